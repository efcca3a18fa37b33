using System.CommandLine;
using System.Text.Json;

namespace Tollgate.Server.Cli;

/// <summary>Options keys, teams and users share: model allow-list, budget, rate limits and metadata.</summary>
internal sealed class AccountOptions
{
    public Option<string?> Models { get; } = new("--models") { Description = "Allowed model names, comma-separated; a trailing * matches a prefix. Default: all." };

    public Option<string?> Budget { get; } = new("--budget") { Description = "The budget in US dollars ('none' on update removes it)." };

    public Option<string?> BudgetPeriod { get; } = new("--budget-period") { Description = "When the budget resets: daily, weekly, monthly or total (never). Default: total." };

    public Option<string?> Rpm { get; } = new("--rpm") { Description = "Requests per minute ('none' on update removes the limit)." };

    public Option<string?> Tpm { get; } = new("--tpm") { Description = "Tokens per minute ('none' on update removes the limit)." };

    public Option<string?> MaxParallel { get; } = new("--max-parallel") { Description = "Requests in flight at once ('none' on update removes the limit)." };

    public Option<string[]> Metadata { get; } = new("--metadata") { Description = "KEY=VALUE metadata; repeat for more (replaces all metadata)." };

    public AccountOptions() => BudgetPeriod.AcceptOnlyFromAmong("daily", "weekly", "monthly", "total");

    public void AddTo(Command command)
    {
        command.Options.Add(Models);
        command.Options.Add(Budget);
        command.Options.Add(BudgetPeriod);
        command.Options.Add(Rpm);
        command.Options.Add(Tpm);
        command.Options.Add(MaxParallel);
        command.Options.Add(Metadata);
    }

    public void Write(Utf8JsonWriter writer, ParseResult parse)
    {
        AdminCommandOptions.WriteList(writer, "models", parse.GetValue(Models));
        AdminCommandOptions.WriteNumber(writer, "budget_usd", parse.GetValue(Budget), "--budget");
        AdminCommandOptions.WriteString(writer, "budget_period", parse.GetValue(BudgetPeriod));
        AdminCommandOptions.WriteNumber(writer, "rpm", parse.GetValue(Rpm), "--rpm");
        AdminCommandOptions.WriteNumber(writer, "tpm", parse.GetValue(Tpm), "--tpm");
        AdminCommandOptions.WriteNumber(writer, "max_parallel", parse.GetValue(MaxParallel), "--max-parallel");
        AdminCommandOptions.WriteMetadata(writer, parse.GetValue(Metadata));
    }
}
