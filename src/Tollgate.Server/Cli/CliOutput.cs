using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tollgate.Server.Cli;

/// <summary>Prints admin API answers: indented JSON, a table for people, or CSV.</summary>
internal static class CliOutput
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One object as <c>field: value</c> lines.</summary>
    public static string Record(JsonElement element)
    {
        var fields = element.EnumerateObject().Where(p => p.Name != "object").ToList();
        var width = fields.Count == 0 ? 0 : fields.Max(p => p.Name.Length);
        var text = new StringBuilder();
        foreach (var property in fields)
        {
            text.Append(property.Name.PadRight(width)).Append("  ").AppendLine(Cell(property.Value));
        }

        return text.ToString();
    }

    /// <summary>A list's <c>data</c> as aligned columns; each column is a header and the field it shows.</summary>
    public static string Table(JsonElement list, IReadOnlyList<(string Header, string Field)> columns)
    {
        var rows = Rows(list, columns);
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        AppendRow(text, [.. columns.Select(c => c.Header)], widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }

        if (rows.Count == 0)
        {
            text.AppendLine("(none)");
        }

        return text.ToString();
    }

    /// <summary>A list's <c>data</c> as CSV (RFC 4180: fields with commas, quotes or line breaks are quoted).</summary>
    public static string Csv(JsonElement list, IReadOnlyList<(string Header, string Field)> columns)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(',', columns.Select(c => Quote(c.Field))));
        foreach (var row in Rows(list, columns, csv: true))
        {
            text.AppendLine(string.Join(',', row.Select(Quote)));
        }

        return text.ToString();
    }

    private static List<string[]> Rows(JsonElement list, IReadOnlyList<(string Header, string Field)> columns, bool csv = false)
    {
        var rows = new List<string[]>();
        if (!list.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return rows;
        }

        foreach (var item in data.EnumerateArray())
        {
            rows.Add([.. columns.Select(c => item.TryGetProperty(c.Field, out var v) ? Cell(v, csv) : string.Empty)]);
        }

        return rows;
    }

    private static string Cell(JsonElement value, bool csv = false) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => csv ? string.Empty : "-",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(v => Cell(v, csv))),
        _ => string.Join(',', value.EnumerateObject().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={Cell(p.Value, csv)}"))),
    };

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.AppendLine();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
