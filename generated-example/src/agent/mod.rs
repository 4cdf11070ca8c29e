//! The guest agent (see the `agent` branch).
