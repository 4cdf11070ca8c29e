//! The typed events: one enum of every event of the schema, and its decoder.
//!
//! ```text
//! pub enum Event {
//!     Shutdown(ShutdownEvent),
//!     Stop(StopEvent),
//!     Other { name: String, data: serde_json::Value },
//! }
//! impl Event {
//!     pub fn name(&self) -> &str;
//!     pub fn decode(name: &str, data: Option<Value>) -> Result<Event, serde_json::Error>;
//!     pub fn from_message(message: &QmpEvent) -> Result<Event, ProtocolError>;
//! }
//! ```
//!
//! Variants are named by `Names::event_variant`, their data by `Names::event_data` (an event
//! without data has an empty struct, so every variant holds one value). Decoding is forward
//! compatible: an event the schema does not know becomes `Other` with its data as received,
//! and the data types' own impls ignore members they do not know. Absent `data` (QEMU leaves
//! it out for events without data) decodes as `{}`. The timestamp stays in the runtime's
//! `QmpEvent`; `Event` is what happened, not when.

use crate::plan::{is_deprecated, Plan};
use proc_macro2::TokenStream;
use qapi_gen_parser::model::{Entity, Event};
use quote::quote;

/// `enum Event` and its impl; nothing for a schema without events.
pub fn emit(plan: &Plan<'_>) -> TokenStream {
    let events: Vec<(qapi_gen_parser::model::EventId, &Event)> = plan
        .schema
        .entities()
        .iter()
        .filter_map(|entity| match *entity {
            Entity::Event(id) if plan.selection.has_event(id) => Some((id, plan.schema.event(id))),
            _ => None,
        })
        .collect();
    if events.is_empty() {
        return TokenStream::new();
    }
    let any_deprecated = events
        .iter()
        .any(|(_, event)| is_deprecated(&event.features));
    let allow = if any_deprecated {
        quote! { #[allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut decoders = Vec::new();
    for (id, event) in &events {
        let Event {
            name,
            arg_type: _,
            boxed: _,
            cond,
            features: _,
            doc: _,
            span: _,
            module: _,
        } = event;
        let variant = plan.names.event_variant(*id);
        let data = plan.names.event_data(*id);
        let cfg = plan.cfg.attr(cond.as_ref());
        let doc = format!(" The event `{name}`: see [`{data}`].");
        variants.push(quote! {
            #[doc = #doc]
            #cfg
            #variant(#data)
        });
        names.push(quote! {
            #cfg
            Event::#variant(_) => #name
        });
        decoders.push(quote! {
            #cfg
            #name => ::serde_json::from_value(data).map(Event::#variant)
        });
    }
    // `decode` and `from_message` are `#[inline]` so that they are compiled, with the decoder
    // of every event's data, in the crate that calls them, as a generic function would be,
    // and not in the crate of the generated code, for which they would be most of its
    // machine code.
    quote! {
        /// Every event of the schema, with its data decoded, or [`Event::Other`] for an event
        /// this code does not know (from a newer server).
        #[derive(Clone, Debug, PartialEq)]
        #allow
        pub enum Event {
            #(#variants,)*
            /// An event this schema does not define, kept as received.
            Other {
                /// Its name.
                name: ::std::string::String,
                /// Its data (`{}` when it had none).
                data: ::serde_json::Value,
            },
        }

        #allow
        impl Event {
            /// The event's name on the wire, such as `"SHUTDOWN"`.
            pub fn name(&self) -> &str {
                match self {
                    #(#names,)*
                    Event::Other { name, .. } => name,
                }
            }

            /// Decodes the event `name` with `data` (`None` when the message had none, which
            /// decodes as `{}`). An unknown name gives [`Event::Other`]; data that does not
            /// fit the event's type is serde's error.
            #[inline]
            pub fn decode(
                name: &str,
                data: ::core::option::Option<::serde_json::Value>,
            ) -> ::core::result::Result<Event, ::serde_json::Error> {
                let data = data.unwrap_or_else(|| ::serde_json::Value::Object(::serde_json::Map::new()));
                match name {
                    #(#decoders,)*
                    _ => ::core::result::Result::Ok(Event::Other {
                        name: ::std::borrow::ToOwned::to_owned(name),
                        data,
                    }),
                }
            }

            /// Decodes an event as a QMP client received it; its timestamp stays in
            /// `message`. Data that does not fit is
            /// `ProtocolError::UnexpectedEventData`.
            #[inline]
            pub fn from_message(
                message: &::qapi_runtime::client::qmp::QmpEvent,
            ) -> ::core::result::Result<Event, ::qapi_runtime::ProtocolError> {
                Event::decode(&message.name, ::core::clone::Clone::clone(&message.data)).map_err(
                    |error| ::qapi_runtime::ProtocolError::UnexpectedEventData {
                        event: ::core::clone::Clone::clone(&message.name),
                        reason: ::std::string::ToString::to_string(&error),
                    },
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfg::CfgMap;
    use crate::names::Names;

    const SCHEMA: &str = r#"
{ 'struct': 'Reason', 'data': { 'host': 'str' } }
{ 'event': 'SHUTDOWN', 'data': { 'guest': 'bool' } }
{ 'event': 'RESUME' }
{ 'event': 'OLD_THING', 'data': 'Reason', 'features': [ 'deprecated' ], 'if': 'CONFIG_X' }
"#;

    fn events(schema: &str) -> String {
        let schema = crate::checked_schema(schema);
        let names = Names::new(&schema).unwrap();
        let mut cfg = CfgMap::default();
        cfg.symbols.insert("CONFIG_X".to_owned(), quote! { unix });
        let plan = Plan::new(&schema, &names, &cfg);
        crate::output::format_piece(emit(&plan))
    }

    #[test]
    fn one_variant_per_event_and_a_forward_compatible_decoder() {
        assert_eq!(
            events(SCHEMA),
            r#"/// Every event of the schema, with its data decoded, or [`Event::Other`] for an event
/// this code does not know (from a newer server).
#[derive(Clone, Debug, PartialEq)]
#[allow(deprecated)]
pub enum Event {
    /// The event `SHUTDOWN`: see [`ShutdownEvent`].
    Shutdown(ShutdownEvent),
    /// The event `RESUME`: see [`ResumeEvent`].
    Resume(ResumeEvent),
    /// The event `OLD_THING`: see [`OldThingEvent`].
    #[cfg(unix)]
    OldThing(OldThingEvent),
    /// An event this schema does not define, kept as received.
    Other {
        /// Its name.
        name: ::std::string::String,
        /// Its data (`{}` when it had none).
        data: ::serde_json::Value,
    },
}
#[allow(deprecated)]
impl Event {
    /// The event's name on the wire, such as `"SHUTDOWN"`.
    pub fn name(&self) -> &str {
        match self {
            Event::Shutdown(_) => "SHUTDOWN",
            Event::Resume(_) => "RESUME",
            #[cfg(unix)]
            Event::OldThing(_) => "OLD_THING",
            Event::Other { name, .. } => name,
        }
    }
    /// Decodes the event `name` with `data` (`None` when the message had none, which
    /// decodes as `{}`). An unknown name gives [`Event::Other`]; data that does not
    /// fit the event's type is serde's error.
    #[inline]
    pub fn decode(
        name: &str,
        data: ::core::option::Option<::serde_json::Value>,
    ) -> ::core::result::Result<Event, ::serde_json::Error> {
        let data = data.unwrap_or_else(|| ::serde_json::Value::Object(::serde_json::Map::new()));
        match name {
            "SHUTDOWN" => ::serde_json::from_value(data).map(Event::Shutdown),
            "RESUME" => ::serde_json::from_value(data).map(Event::Resume),
            #[cfg(unix)]
            "OLD_THING" => ::serde_json::from_value(data).map(Event::OldThing),
            _ => ::core::result::Result::Ok(Event::Other {
                name: ::std::borrow::ToOwned::to_owned(name),
                data,
            }),
        }
    }
    /// Decodes an event as a QMP client received it; its timestamp stays in
    /// `message`. Data that does not fit is
    /// `ProtocolError::UnexpectedEventData`.
    #[inline]
    pub fn from_message(
        message: &::qapi_runtime::client::qmp::QmpEvent,
    ) -> ::core::result::Result<Event, ::qapi_runtime::ProtocolError> {
        Event::decode(&message.name, ::core::clone::Clone::clone(&message.data))
            .map_err(|error| ::qapi_runtime::ProtocolError::UnexpectedEventData {
                event: ::core::clone::Clone::clone(&message.name),
                reason: ::std::string::ToString::to_string(&error),
            },)
    }
}
"#
        );
    }

    #[test]
    fn nothing_without_events() {
        assert_eq!(events("{ 'command': 'ping' }"), "");
    }
}
