//! What the generated typed clients run over: anything that can execute a command by name.
//!
//! The guest agent clients ([`Client`](super::Client), [`AsyncClient`](super::AsyncClient))
//! and the QMP clients ([`QmpClient`](super::qmp::QmpClient),
//! [`AsyncQmpClient`](super::qmp::AsyncQmpClient)) implement these traits, so one generated
//! `Client<C>` (and `AsyncClient<C>`) serves a guest agent and a QEMU monitor alike; what is
//! particular to one protocol (guest agent synchronisation, QMP events) stays on the runtime
//! client, reached through the generated client's `runtime_mut`.

use serde_json::Value;

use crate::errors::ClientError;

/// Executes commands by name, blocking.
pub trait Execute {
    /// Runs `command` with `arguments` (an object, or `None` for none) and returns its
    /// `return` value; an error reply is [`ClientError::Qapi`].
    fn execute(&mut self, command: &str, arguments: Option<Value>) -> Result<Value, ClientError>;

    /// Runs a command that sends no reply when it succeeds (`'success-response': false`):
    /// returns once the request is written.
    fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError>;
}

/// Executes commands by name, asynchronously: [`Execute`] for tokio clients. The futures are
/// `Send`, so a generated async client can run in a spawned task.
#[cfg(feature = "tokio")]
pub trait AsyncExecute {
    /// As [`Execute::execute`].
    fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> impl std::future::Future<Output = Result<Value, ClientError>> + Send;

    /// As [`Execute::execute_no_reply`].
    fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> impl std::future::Future<Output = Result<(), ClientError>> + Send;
}

impl<S: super::Transport> Execute for super::Client<S> {
    fn execute(&mut self, command: &str, arguments: Option<Value>) -> Result<Value, ClientError> {
        super::Client::execute(self, command, arguments)
    }

    fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        super::Client::execute_no_reply(self, command, arguments)
    }
}

#[cfg(feature = "tokio")]
impl<S: super::AsyncStream + Send> AsyncExecute for super::AsyncClient<S> {
    async fn execute(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, ClientError> {
        super::AsyncClient::execute(self, command, arguments).await
    }

    async fn execute_no_reply(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<(), ClientError> {
        super::AsyncClient::execute_no_reply(self, command, arguments).await
    }
}
