using System.CommandLine;

namespace Tollgate.Server.Cli;

/// <summary><c>tollgate spend --by key|user|team|model|provider|day [--from] [--to] [--format table|csv|json]</c>.</summary>
internal static class SpendCommand
{
    private static readonly (string, string)[] Columns =
    [
        ("GROUP", "group"), ("NAME", "name"), ("REQUESTS", "requests"), ("ERRORS", "errors"), ("INPUT", "input_tokens"),
        ("CACHED", "cached_input_tokens"), ("CACHE_WRITE", "cache_write_tokens"), ("OUTPUT", "output_tokens"),
        ("REASONING", "reasoning_tokens"), ("COST_USD", "cost_usd"), ("BUDGET_USD", "budget_usd"), ("PERIOD", "budget_period"),
        ("SPENT_USD", "budget_spent_usd"), ("REMAINING_USD", "budget_remaining_usd"),
    ];

    public static Command Create(AdminCommandOptions common)
    {
        var by = new Option<string>("--by") { Description = "Group by key, user, team, model, provider or day. Default: key.", DefaultValueFactory = _ => "key" };
        by.AcceptOnlyFromAmong("key", "user", "team", "model", "provider", "day");
        var from = new Option<string?>("--from") { Description = "From this date or time (inclusive, UTC)." };
        var to = new Option<string?>("--to") { Description = "Until this date or time (exclusive, UTC)." };
        var format = AdminCommandOptions.Format("table", "csv", "json");
        var command = new Command("spend", "Report requests, tokens, cost, errors and budget remaining from the ledger.") { by, from, to, format };
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
        {
            var query = "spend?by=" + parse.GetValue(by);
            if (parse.GetValue(from) is { } f)
            {
                query += "&from=" + AdminClient.Escape(f);
            }

            if (parse.GetValue(to) is { } t)
            {
                query += "&to=" + AdminClient.Escape(t);
            }

            var report = await client.GetAsync(query, cancellationToken);
            await output.WriteAsync(parse.GetValue(format) switch
            {
                "json" => CliOutput.Json(report) + Environment.NewLine,
                "csv" => CliOutput.Csv(report, Columns),
                _ => CliOutput.Table(report, Columns),
            });
        });
        return command;
    }
}
