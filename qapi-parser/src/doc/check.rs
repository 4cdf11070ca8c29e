//! A doc against the definition it documents: QEMU's `QAPIDoc.check_expr`,
//! `connect_member`, `connect_feature` and `check`, called from the later checking phases.

use super::{Doc, Section, SectionKind};
use crate::diag::{Diagnostic, Diagnostics, Fallible};
use crate::span::Span;

impl Doc {
    /// QEMU's `check_expr`, run when the definition's shape is checked: a `Returns` section
    /// only documents a command that returns something, an `Errors` section only a command.
    ///
    /// `is_command` and `has_returns` describe the definition. In legacy mode a `Returns`
    /// section on a command without `returns` (QEMU 7.2 documented "Returns: Nothing") and an
    /// `Errors` section off a command (7.2 had no such tag) are warnings; `Returns` off a
    /// command was refused by 7.2 as well and stays an error.
    pub fn check_expr(
        &self,
        is_command: bool,
        has_returns: bool,
        legacy: bool,
        diags: &mut Diagnostics,
    ) -> Fallible<()> {
        if is_command {
            if let Some(returns) = self.returns() {
                if !has_returns {
                    let message = "'Returns' section, but command doesn't return anything";
                    legacy_rule(legacy, diags, Diagnostic::error(returns.span, message))?;
                }
            }
            return Ok(());
        }
        if let Some(returns) = self.returns() {
            return Err(Box::new(Diagnostic::error(
                returns.span,
                "'Returns' section is only valid for commands",
            )));
        }
        if let Some(errors) = self.errors() {
            let message = "'Errors' section is only valid for commands";
            legacy_rule(legacy, diags, Diagnostic::error(errors.span, message))?;
        }
        Ok(())
    }

    /// QEMU's `connect_member`: the definition has a member `name` (an object member, enum
    /// value, alternate branch, or argument of a command or event with implicit arguments),
    /// which must be documented.
    ///
    /// `role` is QEMU's word for it in `%s '%s' lacks documentation`: `"member"`, `"value"`
    /// or `"branch"`. `definition` is where the definition stands, where QEMU reports an
    /// undocumented member. `excepted` tells whether the doc's symbol is in pragma
    /// `documentation-exceptions`: then an empty stub description is added instead (the dump
    /// prints it as `arg=NAME` with no text, after the documented members).
    ///
    /// QEMU 10.0.2 crashes when it should place a stub in a doc whose sections after the body
    /// are all member descriptions; this reports an error there instead. In legacy mode an
    /// undocumented member is a warning (QEMU 7.2 accepted them) and gets a stub.
    pub fn connect_member(
        &mut self,
        name: &str,
        role: &str,
        definition: Span,
        excepted: bool,
        legacy: bool,
        diags: &mut Diagnostics,
    ) -> Fallible<()> {
        if let Some(section) = self.args.get_mut(name) {
            section.connected = true;
            return Ok(());
        }
        if !excepted {
            let message = format!("{role} '{name}' lacks documentation");
            legacy_rule(legacy, diags, Diagnostic::error(definition, message))?;
        } else if !legacy && self.ends_with_member_descriptions() {
            let symbol = self.symbol.as_ref().map_or("", |symbol| &symbol.node);
            let message = format!(
                "{role} '{name}' lacks documentation, and QEMU 10.0.2 cannot add a stub for \
                 it because the documentation of '{symbol}' ends with member descriptions"
            );
            return Err(Box::new(Diagnostic::error(definition, message)));
        }
        let mut stub = Section::new(SectionKind::Member, Some(name.to_owned()), self.span);
        stub.connected = true;
        self.args.insert(name.to_owned(), stub);
        Ok(())
    }

    /// QEMU's `connect_feature`: the definition has a feature `name`, which must be
    /// documented (no pragma excepts features). `definition` is where the definition stands.
    pub fn connect_feature(&mut self, name: &str, definition: Span) -> Fallible<()> {
        match self.features.get_mut(name) {
            Some(section) => {
                section.connected = true;
                Ok(())
            }
            None => Err(Box::new(Diagnostic::error(
                definition,
                format!("feature '{name}' lacks documentation"),
            ))),
        }
    }

    /// QEMU's `check`, run after every definition was connected: each documented member and
    /// feature must exist. The error names every bogus member (or else feature) and stands at
    /// the first one's `@name:` line. Union branches and the members of a boxed argument type
    /// are never connected, so documenting them is an error, as in QEMU.
    pub fn check(&self) -> Fallible<()> {
        check_descriptions(&self.args, "member")?;
        check_descriptions(&self.features, "feature")
    }

    /// Whether every section after the body is a member description (QEMU inserts a stub
    /// after the last one, and crashes looking for what follows).
    fn ends_with_member_descriptions(&self) -> bool {
        !self.args.is_empty() && self.features.is_empty() && self.sections.is_empty()
    }
}

/// `documented member 'a' does not exist`, `documented members 'a', 'b' do not exist`.
fn check_descriptions(
    descriptions: &indexmap::IndexMap<String, Section>,
    what: &str,
) -> Fallible<()> {
    let bogus: Vec<&Section> = descriptions
        .values()
        .filter(|section| !section.connected)
        .collect();
    let Some(first) = bogus.first() else {
        return Ok(());
    };
    let names: Vec<&str> = bogus
        .iter()
        .map(|section| section.name.as_deref().unwrap_or(""))
        .collect();
    let (plural, verb) = if bogus.len() > 1 {
        ("s", "do")
    } else {
        ("", "does")
    };
    let message = format!(
        "documented {what}{plural} '{}' {verb} not exist",
        names.join("', '")
    );
    Err(Box::new(Diagnostic::error(first.span, message)))
}

/// A rule legacy mode relaxes: a warning pushed into `diags`, or else the error.
fn legacy_rule(legacy: bool, diags: &mut Diagnostics, diagnostic: Diagnostic) -> Fallible<()> {
    if legacy {
        diags.push(diagnostic.into_warning());
        Ok(())
    } else {
        Err(Box::new(diagnostic))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{input, Input};
    use super::super::Doc;
    use crate::diag::Diagnostics;
    use crate::span::Span;

    /// The doc at the top of `text`, and where the definition after it starts.
    fn doc_and_definition(text: &str) -> (Input, Doc, Span) {
        let input = input(text);
        let (doc, warnings) = input.parse(false);
        assert_eq!(warnings, Vec::<String>::new());
        let definition = input.end;
        (input, doc, definition)
    }

    fn connect_members(
        doc: &mut Doc,
        members: &[&str],
        definition: Span,
        excepted: bool,
        legacy: bool,
        diags: &mut Diagnostics,
    ) -> crate::diag::Fallible<()> {
        for member in members {
            doc.connect_member(member, "member", definition, excepted, legacy, diags)?;
        }
        Ok(())
    }

    #[test]
    fn returns_only_for_commands_that_return() {
        let (input, doc, _) = doc_and_definition("##\n# @foo:\n#\n# Returns: x\n##\n{}\n");
        let mut diags = Diagnostics::new();
        assert!(doc.check_expr(true, true, false, &mut diags).is_ok());
        let error = doc.check_expr(true, false, false, &mut diags).unwrap_err();
        assert_eq!(
            input.show(&error),
            "4:1: error: 'Returns' section, but command doesn't return anything"
        );
        let error = doc.check_expr(false, false, true, &mut diags).unwrap_err();
        assert_eq!(
            input.show(&error),
            "4:1: error: 'Returns' section is only valid for commands"
        );
        assert!(doc.check_expr(true, false, true, &mut diags).is_ok());
        let warnings: Vec<String> = diags.iter().map(|d| input.show(d)).collect();
        assert_eq!(
            warnings,
            ["4:1: warning: 'Returns' section, but command doesn't return anything"]
        );
    }

    #[test]
    fn errors_only_for_commands() {
        let (input, doc, _) = doc_and_definition("##\n# @foo:\n#\n# Errors: x\n##\n{}\n");
        let mut diags = Diagnostics::new();
        assert!(doc.check_expr(true, false, false, &mut diags).is_ok());
        let error = doc.check_expr(false, false, false, &mut diags).unwrap_err();
        assert_eq!(
            input.show(&error),
            "4:1: error: 'Errors' section is only valid for commands"
        );
    }

    #[test]
    fn undocumented_member() {
        let (input, mut doc, definition) =
            doc_and_definition("##\n# @Enum:\n#\n# @one: one\n##\n{ 'enum': 'Enum' }\n");
        let mut diags = Diagnostics::new();
        doc.connect_member("one", "value", definition, false, false, &mut diags)
            .unwrap();
        let error = doc
            .connect_member("two", "value", definition, false, false, &mut diags)
            .unwrap_err();
        assert_eq!(
            input.show(&error),
            "6:1: error: value 'two' lacks documentation"
        );
    }

    #[test]
    fn stubs_for_documentation_exceptions() {
        let text = r"
##
# @Enum:
#
# @one: one
#
# Features:
# @feat: a feature
##
{ 'enum': 'Enum' }
";
        let (_, mut doc, definition) = doc_and_definition(text);
        let mut diags = Diagnostics::new();
        connect_members(
            &mut doc,
            &["two", "one", "three"],
            definition,
            true,
            false,
            &mut diags,
        )
        .unwrap();
        doc.connect_feature("feat", definition).unwrap();
        doc.check().unwrap();
        let mut out = String::new();
        doc.dump(&mut out);
        assert_eq!(
            out,
            "doc symbol=Enum
    body=

    arg=one
one
    arg=two

    arg=three

    feature=feat
a feature
"
        );
    }

    #[test]
    fn no_stub_after_trailing_member_descriptions() {
        // QEMU 10.0.2 crashes here.
        let (input, mut doc, definition) =
            doc_and_definition("##\n# @Foo:\n#\n# @a: a\n##\n{ 'struct': 'Foo' }\n");
        let mut diags = Diagnostics::new();
        let error = connect_members(&mut doc, &["a", "b"], definition, true, false, &mut diags)
            .unwrap_err();
        assert_eq!(
            input.show(&error),
            "6:1: error: member 'b' lacks documentation, and QEMU 10.0.2 cannot add a stub for \
             it because the documentation of 'Foo' ends with member descriptions"
        );

        // The same with no description at all: the first stub is the trailing description.
        let (_, mut doc, definition) = doc_and_definition("##\n# @Foo:\n##\n{ 'struct': 'Foo' }\n");
        doc.connect_member("a", "member", definition, true, false, &mut diags)
            .unwrap();
        assert!(doc
            .connect_member("b", "member", definition, true, false, &mut diags)
            .is_err());

        // Legacy mode just adds the stubs.
        doc.connect_member("b", "member", definition, true, true, &mut diags)
            .unwrap();
        assert_eq!(doc.args.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert!(diags.is_empty());
    }

    #[test]
    fn legacy_undocumented_member_is_a_warning() {
        let (input, mut doc, definition) =
            doc_and_definition("##\n# @Foo:\n##\n{ 'struct': 'Foo' }\n");
        let mut diags = Diagnostics::new();
        doc.connect_member("a", "member", definition, false, true, &mut diags)
            .unwrap();
        let warnings: Vec<String> = diags.iter().map(|d| input.show(d)).collect();
        assert_eq!(warnings, ["4:1: warning: member 'a' lacks documentation"]);
        doc.check().unwrap();
    }

    #[test]
    fn undocumented_feature() {
        let (input, mut doc, definition) =
            doc_and_definition("##\n# @Foo:\n##\n{ 'struct': 'Foo' }\n");
        let error = doc.connect_feature("feat", definition).unwrap_err();
        assert_eq!(
            input.show(&error),
            "4:1: error: feature 'feat' lacks documentation"
        );
    }

    #[test]
    fn documented_members_must_exist() {
        let text = r"
##
# @Frob:
# @a: a
# @c: c
# @b: b
##
{ 'union': 'Frob' }
";
        let (input, mut doc, definition) = doc_and_definition(text);
        let mut diags = Diagnostics::new();
        doc.connect_member("c", "member", definition, false, false, &mut diags)
            .unwrap();
        let error = doc.check().unwrap_err();
        assert_eq!(
            input.show(&error),
            "4:1: error: documented members 'a', 'b' do not exist"
        );
    }

    #[test]
    fn documented_feature_must_exist() {
        let text = r"
##
# @Foo:
#
# Features:
# @feat: a feature
##
{ 'struct': 'Foo' }
";
        let (input, doc, _) = doc_and_definition(text);
        let error = doc.check().unwrap_err();
        assert_eq!(
            input.show(&error),
            "6:1: error: documented feature 'feat' does not exist"
        );
    }
}
