//! Parallel iteration where the `parallel` feature is on (rayon), and the same calls run in
//! order where it is off (a WebAssembly page has one thread): each call site reads once, and
//! seeded results are the same either way, since they never depend on the thread count.
//!
//! Architecture invariant: the model names only the calls below; a new parallel call gets its
//! sequential twin here.

#[cfg(feature = "parallel")]
pub use rayon::prelude::*;

#[cfg(not(feature = "parallel"))]
pub use sequential::*;

#[cfg(not(feature = "parallel"))]
mod sequential {
    /// `par_chunks_mut`, in order.
    pub trait ParChunksMut<T> {
        fn par_chunks_mut(&mut self, size: usize) -> std::slice::ChunksMut<'_, T>;
    }
    impl<T> ParChunksMut<T> for [T] {
        fn par_chunks_mut(&mut self, size: usize) -> std::slice::ChunksMut<'_, T> {
            self.chunks_mut(size)
        }
    }

    /// `par_iter`, in order.
    pub trait ParIter<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }
    impl<T> ParIter<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }

    /// `into_par_iter`, in order.
    pub trait IntoParIter: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }
    impl<I: IntoIterator> IntoParIter for I {}

    /// rayon's calls with a per-thread state: here one state for the whole run.
    pub trait WithInit: Iterator + Sized {
        fn for_each_init<S>(self, init: impl Fn() -> S, f: impl Fn(&mut S, Self::Item)) {
            let mut state = init();
            self.for_each(|item| f(&mut state, item));
        }
        fn map_init<S, R>(
            self,
            init: impl Fn() -> S,
            f: impl Fn(&mut S, Self::Item) -> R,
        ) -> impl Iterator<Item = R> {
            let mut state = init();
            self.map(move |item| f(&mut state, item))
        }
    }
    impl<I: Iterator> WithInit for I {}
}
