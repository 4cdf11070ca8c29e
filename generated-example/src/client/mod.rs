//! The client commands (see the `client-cli` branch).
