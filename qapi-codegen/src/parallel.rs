//! Emitting and formatting the pieces of a file on several threads.
//!
//! Emitting the tokens and printing them is most of the generator's time, and every piece
//! (a definition and its impls, the clients, …) is emitted and printed on its own (see
//! [`crate::output::format_piece`]), so the pieces are shared out among threads.
//! proc_macro2's tokens are neither `Send` nor `Sync`, so no token crosses a thread: each
//! thread makes its own [`Plan`] from the shared schema (and its names from their text),
//! takes the next piece from a shared counter, emits and formats it (keeping the printer's
//! buffers from piece to piece), and keeps the text. The texts, joined in
//! the order of the pieces, are the file: the same bytes whatever the number of threads and
//! whichever thread took which piece.

use crate::emit::{self, Needs, Piece};
use crate::error::Error;
use crate::output;
use crate::plan::Plan;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one thread did: the texts of the pieces it took, by index in the file's pieces, and
/// what they need of the private helpers.
pub struct Done {
    texts: Vec<(usize, String)>,
    needs: Needs,
}

/// Work on the pieces with a plan: what a thread runs once it has made its plan.
pub type Work<'w> = dyn FnMut(&Plan<'_>) -> Result<Done, Error> + 'w;

/// The whole file's text (header, `pieces` in order, then the private helpers), made on
/// `threads` threads: this one, with `plan`, and `threads - 1` more, each of which calls
/// `setup` with the work to run once it has made a plan of its own.
pub fn emit_and_format<Setup>(
    pieces: &[Piece],
    threads: usize,
    schema_name: &str,
    plan: &Plan<'_>,
    setup: Setup,
) -> Result<String, Error>
where
    Setup: Fn(&mut Work<'_>) -> Result<Done, Error> + Sync,
{
    // The file-wide pieces are much larger than a definition: taken first, they are not left
    // to one thread at the end while the others wait.
    let order: Vec<usize> = (0..pieces.len())
        .filter(|&index| pieces[index].is_file_wide())
        .chain((0..pieces.len()).filter(|&index| !pieces[index].is_file_wide()))
        .collect();
    let next = AtomicUsize::new(0);
    let (order, next) = (&order, &next);
    let work = || {
        move |plan: &Plan<'_>| -> Result<Done, Error> {
            let mut done = Done {
                texts: Vec::new(),
                needs: Needs::default(),
            };
            let mut formatter = output::Formatter::default();
            while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                let tokens = emit::emit_piece(plan, pieces[index], &mut done.needs);
                done.texts.push((index, formatter.piece(tokens)));
            }
            Ok(done)
        }
    };
    let results: Vec<Result<Done, Error>> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| {
                let setup = &setup;
                let mut work = work();
                scope.spawn(move || setup(&mut work))
            })
            .collect();
        let mut results = vec![work()(plan)];
        for helper in helpers {
            // A panic of a helper is a bug of the generator, as it would be on this thread.
            results.push(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });

    let mut texts: Vec<Option<String>> = vec![None; pieces.len()];
    let mut needs = Needs::default();
    for result in results {
        let done = result?;
        for (index, text) in done.texts {
            texts[index] = Some(text);
        }
        needs.merge(done.needs);
    }
    let mut file = output::header(schema_name);
    file.reserve(texts.iter().flatten().map(String::len).sum());
    for text in texts {
        let text = text.ok_or_else(|| Error::Internal {
            message: "a piece of the file was not emitted".to_owned(),
        })?;
        file.push_str(&text);
    }
    file.push_str(&output::format_piece(emit::de::emit_private(&needs)));
    Ok(file)
}
