//! Error accumulator: every attribute mistake is recorded, then all are reported together, so a
//! user fixes a struct in one round instead of one error per build (serde_derive's `Ctxt`).

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// Collects `syn::Error`s while the input is parsed and validated.
///
/// Must be consumed with [`Ctxt::check`]; dropping it unchecked is a bug in this crate and panics
/// (outside of an unwinding panic) so that a forgotten error can never be silently lost.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Self {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error spanning the tokens of `obj` (first to last token).
    pub fn error_spanned_by<T: ToTokens>(&self, obj: T, msg: impl Display) {
        self.syn_error(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records an error produced by `syn` (e.g. a malformed attribute).
    pub fn syn_error(&self, err: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(err);
        }
    }

    /// Whether any error was recorded so far.
    pub fn has_errors(&self) -> bool {
        self.errors.borrow().as_ref().is_some_and(|e| !e.is_empty())
    }

    /// Consumes the context: `Ok` when nothing was recorded, else all errors in recording order.
    pub fn check(self) -> Result<(), Vec<syn::Error>> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("ice-macros bug: Ctxt dropped without check()");
        }
    }
}
