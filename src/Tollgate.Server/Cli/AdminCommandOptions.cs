using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tollgate.Core.Keys;

namespace Tollgate.Server.Cli;

/// <summary>The options every admin command shares (<c>--url</c>, <c>--admin-key</c>, <c>--format</c>) and how a command runs.</summary>
internal sealed class AdminCommandOptions
{
    public const string DefaultUrl = "http://127.0.0.1:4000";

    public Option<string> Url { get; } = new("--url")
    {
        Description = $"The gateway's address. Default: {DefaultUrl}.",
        DefaultValueFactory = _ => DefaultUrl,
        Recursive = true,
    };

    public Option<string?> AdminKey { get; } = new("--admin-key")
    {
        Description = $"The master key or an admin key. Default: the {MasterKeyResolver.EnvironmentVariable} variable.",
        Recursive = true,
    };

    public static Option<string> Format(params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"Output: {string.Join(", ", formats)}. Default: table.",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    /// <summary>Runs <paramref name="action"/> with a client; prints API errors to stderr and exits 1.</summary>
    public void SetAction(Command command, Func<ParseResult, AdminClient, TextWriter, CancellationToken, Task> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var key = parse.GetValue(AdminKey);
            if (string.IsNullOrEmpty(key))
            {
                key = Environment.GetEnvironmentVariable(MasterKeyResolver.EnvironmentVariable);
            }

            if (string.IsNullOrEmpty(key))
            {
                await error.WriteLineAsync($"tollgate: no admin key: set {MasterKeyResolver.EnvironmentVariable} or pass --admin-key.");
                return 1;
            }

            var url = parse.GetValue(Url)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                await error.WriteLineAsync($"tollgate: --url must be an http or https address, not '{url}'.");
                return 1;
            }

            try
            {
                using var client = new AdminClient(url, key);
                await action(parse, client, parse.InvocationConfiguration.Output, cancellationToken);
                return 0;
            }
            catch (AdminClientException ex)
            {
                await error.WriteLineAsync($"tollgate: {ex.Message}");
                return 1;
            }
        });

    /// <summary>Writes the budget and limit options of create and update bodies. <c>none</c> clears a value on update.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, string field, string? value, string option)
    {
        if (value is null)
        {
            return;
        }

        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteNull(field);
        }
        else if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            writer.WriteNumber(field, number);
        }
        else
        {
            throw new AdminClientException($"{option} must be a number or 'none', not '{value}'.");
        }
    }

    public static void WriteList(Utf8JsonWriter writer, string field, string? commaSeparated)
    {
        if (commaSeparated is null)
        {
            return;
        }

        writer.WriteStartArray(field);
        foreach (var item in commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    public static void WriteList(Utf8JsonWriter writer, string field, string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return;
        }

        writer.WriteStartArray(field);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    public static void WriteMetadata(Utf8JsonWriter writer, string[]? pairs)
    {
        if (pairs is null || pairs.Length == 0)
        {
            return;
        }

        writer.WriteStartObject("metadata");
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new AdminClientException($"--metadata takes KEY=VALUE, not '{pair}'.");
            }

            writer.WriteString(pair[..equals], pair[(equals + 1)..]);
        }

        writer.WriteEndObject();
    }

    public static void WriteString(Utf8JsonWriter writer, string field, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(field, value);
        }
    }

    /// <summary>Prints one record as JSON or <c>field: value</c> lines.</summary>
    public static void PrintRecord(TextWriter output, string format, JsonElement record) =>
        output.Write(format == "json" ? CliOutput.Json(record) + Environment.NewLine : CliOutput.Record(record));
}
