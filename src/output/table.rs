//! The one table style every command uses: plain columns, like `ss` and `ip -br`, so the text is
//! easy to read and to cut. comfy-table fits the columns to the terminal when there is one.

use comfy_table::{ContentArrangement, Table, presets};

/// A new table with the project's style and the given header.
#[must_use]
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_columns() {
        let mut t = table(["PORT", "SERVICE"]);
        t.add_row(["22/tcp", "ssh"]);
        t.add_row(["3306/tcp", "mysql"]);
        let text = t.to_string();
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(
            lines,
            ["PORT      SERVICE", "22/tcp    ssh", "3306/tcp  mysql"]
        );
    }
}
