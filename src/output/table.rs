//! The one table style every command uses: plain columns, like `ss` and `ip -br`, so the text is
//! easy to read and to cut. comfy-table fits the columns to the terminal when there is one; no
//! line ends in spaces, so the text can be compared and pasted as it is.

use std::fmt;

use comfy_table::{ContentArrangement, Row, Table, presets};

/// A table in the project's style; `Display` draws it with no trailing spaces.
#[derive(Debug, Clone)]
pub struct TextTable(Table);

impl TextTable {
    /// Add one row: strings, or cells coloured with [`super::palette::cell`].
    pub fn add_row<T: Into<Row>>(&mut self, row: T) -> &mut Self {
        self.0.add_row(row);
        self
    }

    /// Whether the table has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.row_count() == 0
    }
}

impl fmt::Display for TextTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.lines().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(line.trim_end())?;
        }
        Ok(())
    }
}

/// A new table with the project's style and the given header.
#[must_use]
pub fn table<I, S>(header: I) -> TextTable
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    // Cells carry a colour only when colour is on (palette::cell), and then it is wanted even
    // into a pipe (CLICOLOR_FORCE, --color always).
    // Only the text is coloured, not the padding, so no line ends in coloured spaces.
    table.enforce_styling();
    table.style_text_only();
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    TextTable(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::palette::{self, Paint};

    #[test]
    fn plain_columns_without_trailing_spaces() {
        let mut t = table(["PORT", "SERVICE"]);
        t.add_row(["22/tcp", "ssh"]);
        t.add_row(["3306/tcp", "mysql"]);
        assert_eq!(
            t.to_string(),
            "PORT      SERVICE\n22/tcp    ssh\n3306/tcp  mysql"
        );
    }

    #[test]
    fn coloured_cells_keep_the_columns() {
        let text = palette::scoped(true, || {
            let mut t = table(["PORT", "STATE", "SERVICE"]);
            t.add_row(vec![
                palette::cell("22/tcp", Paint::Bold),
                palette::cell("open", Paint::Good),
                "ssh".into(),
            ]);
            t.add_row(vec![
                "3306/tcp".into(),
                palette::cell("closed", Paint::Bad),
                "mysql".into(),
            ]);
            t.to_string()
        });
        assert!(text.contains('\u{1b}'), "{text:?}");
        let plain = anstream::adapter::strip_str(&text).to_string();
        assert_eq!(
            plain,
            "PORT      STATE   SERVICE\n22/tcp    open    ssh\n3306/tcp  closed  mysql"
        );
    }
}
