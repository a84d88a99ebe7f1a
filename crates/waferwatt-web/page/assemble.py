"""Assembles the explorer page: the template with its style, its script and the model's
WebAssembly (base64) inline, and a content-security policy that lets that one script run and
nothing be fetched. Usage: assemble.py MODEL.wasm PAGE_DIR OUT_DIR (standard library only)."""

import base64
import hashlib
import pathlib
import sys


def main() -> None:
    wasm, page, out = (pathlib.Path(a) for a in sys.argv[1:4])
    template = (page / "index.html").read_text(encoding="utf-8")
    style = (page / "explorer.css").read_text(encoding="utf-8")
    script = (page / "explorer.js").read_text(encoding="utf-8")
    model = base64.b64encode(wasm.read_bytes()).decode("ascii")
    script = f'const WASM_BASE64 = "{model}";\n{script}'
    if "</script" in script.lower():
        sys.exit("the script holds </script, which would end it early")
    # The policy's hash is of the script element's whole text: the newlines around it included.
    digest = hashlib.sha256(f"\n{script}\n".encode("utf-8")).digest()
    policy = "sha256-" + base64.b64encode(digest).decode("ascii")
    html = template.replace("%STYLE%", style.strip()).replace("%SCRIPT_HASH%", policy)
    html = html.replace("%SCRIPT%", script, 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(html, encoding="utf-8")
    print(f"{out / 'index.html'}: {len(html) / 1e6:.1f} MB, the model {wasm.stat().st_size / 1e6:.1f} MB of it")


if __name__ == "__main__":
    main()
