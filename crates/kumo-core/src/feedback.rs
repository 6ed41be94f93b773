//! What long-running work tells the person waiting on it: messages (a device code to
//! confirm, what was added) and progress. The CLI prints them; tests record them.

pub trait Feedback: Send + Sync {
    /// A line for the person: never a secret.
    fn say(&self, message: &str);
    /// `done` of `total` units of work are finished (`total` grows while discovering).
    fn progress(&self, _done: usize, _total: usize) {}
}

/// Feedback that goes nowhere.
pub struct Silent;

impl Feedback for Silent {
    fn say(&self, _message: &str) {}
}
