using System.CommandLine;
using System.Text.Json;

namespace Tollgate.Server.Cli;

/// <summary><c>tollgate keys create|list|show|update|revoke|rotate</c>, through the admin API.</summary>
internal static class KeysCommand
{
    private static readonly (string, string)[] Columns =
    [
        ("ID", "id"), ("NAME", "name"), ("PREFIX", "key_prefix"), ("STATUS", "status"), ("TEAM", "team"), ("USER", "user"),
        ("ROLE", "role"), ("BUDGET_USD", "budget_usd"), ("PERIOD", "budget_period"), ("EXPIRES", "expires_at"),
    ];

    public static Command Create(AdminCommandOptions common)
    {
        var command = new Command("keys", "Create and manage virtual keys.");
        command.Subcommands.Add(CreateCommand(common));
        command.Subcommands.Add(ListCommand(common));
        command.Subcommands.Add(ShowCommand(common));
        command.Subcommands.Add(UpdateCommand(common));
        command.Subcommands.Add(RevokeCommand(common));
        command.Subcommands.Add(RotateCommand(common));
        return command;
    }

    private static Command CreateCommand(AdminCommandOptions common)
    {
        var name = new Option<string>("--name") { Description = "The key's unique name.", Required = true };
        var team = new Option<string?>("--team") { Description = "The key's team (id or name)." };
        var user = new Option<string?>("--user") { Description = "The key's user (id or name); a new name creates the user in the key's team." };
        var role = RoleOption();
        var expires = new Option<string?>("--expires") { Description = "When the key stops working: a date (2027-01-01) or time (2027-01-01T12:00:00Z)." };
        var tags = new Option<string[]>("--tag") { Description = "A tag for the key's ledger records; repeat for more." };
        var format = AdminCommandOptions.Format("table", "json");
        var account = new AccountOptions();
        var command = new Command("create", "Create a key. Its secret is printed once: save it.") { name, team, user, role, expires, tags, format };
        account.AddTo(command);
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
        {
            var created = await client.SendAsync(HttpMethod.Post, "keys", writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("name", parse.GetValue(name));
                AdminCommandOptions.WriteString(writer, "team", parse.GetValue(team));
                AdminCommandOptions.WriteString(writer, "user", parse.GetValue(user));
                AdminCommandOptions.WriteString(writer, "role", parse.GetValue(role));
                AdminCommandOptions.WriteString(writer, "expires_at", parse.GetValue(expires));
                AdminCommandOptions.WriteList(writer, "tags", parse.GetValue(tags));
                account.Write(writer, parse);
                writer.WriteEndObject();
            }, cancellationToken);
            PrintWithSecret(output, parse.GetValue(format)!, created);
        });
        return command;
    }

    private static Command ListCommand(AdminCommandOptions common)
    {
        var team = new Option<string?>("--team") { Description = "Only this team's keys." };
        var user = new Option<string?>("--user") { Description = "Only this user's keys." };
        var format = AdminCommandOptions.Format("table", "json");
        var command = new Command("list", "List keys (never their secrets).") { team, user, format };
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
        {
            var query = new List<string>();
            if (parse.GetValue(team) is { } t)
            {
                query.Add("team=" + AdminClient.Escape(t));
            }

            if (parse.GetValue(user) is { } u)
            {
                query.Add("user=" + AdminClient.Escape(u));
            }

            var list = await client.GetAsync("keys" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty), cancellationToken);
            await output.WriteAsync(parse.GetValue(format) == "json" ? CliOutput.Json(list) + Environment.NewLine : CliOutput.Table(list, Columns));
        });
        return command;
    }

    private static Command ShowCommand(AdminCommandOptions common)
    {
        var id = IdArgument();
        var format = AdminCommandOptions.Format("table", "json");
        var command = new Command("show", "Show one key.") { id, format };
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
            AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, await client.GetAsync("keys/" + AdminClient.Escape(parse.GetValue(id)!), cancellationToken)));
        return command;
    }

    private static Command UpdateCommand(AdminCommandOptions common)
    {
        var id = IdArgument();
        var name = new Option<string?>("--name") { Description = "A new name." };
        var role = RoleOption();
        var expires = new Option<string?>("--expires") { Description = "A new expiry date or time." };
        var tags = new Option<string[]>("--tag") { Description = "Tags; repeat for more (replaces all tags)." };
        var format = AdminCommandOptions.Format("table", "json");
        var account = new AccountOptions();
        var command = new Command("update", "Change a key's name, role, models, budget, limits, expiry, metadata or tags.") { id, name, role, expires, tags, format };
        account.AddTo(command);
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
        {
            var updated = await client.SendAsync(HttpMethod.Patch, "keys/" + AdminClient.Escape(parse.GetValue(id)!), writer =>
            {
                writer.WriteStartObject();
                AdminCommandOptions.WriteString(writer, "name", parse.GetValue(name));
                AdminCommandOptions.WriteString(writer, "role", parse.GetValue(role));
                AdminCommandOptions.WriteString(writer, "expires_at", parse.GetValue(expires));
                AdminCommandOptions.WriteList(writer, "tags", parse.GetValue(tags));
                account.Write(writer, parse);
                writer.WriteEndObject();
            }, cancellationToken);
            AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, updated);
        });
        return command;
    }

    private static Command RevokeCommand(AdminCommandOptions common)
    {
        var id = IdArgument();
        var format = AdminCommandOptions.Format("table", "json");
        var command = new Command("revoke", "Revoke a key at once; requests in flight with it are stopped.") { id, format };
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
            AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, await client.SendAsync(HttpMethod.Post, "keys/" + AdminClient.Escape(parse.GetValue(id)!) + "/revoke", null, cancellationToken)));
        return command;
    }

    private static Command RotateCommand(AdminCommandOptions common)
    {
        var id = IdArgument();
        var grace = new Option<string?>("--grace") { Description = "How long the old secret keeps working: 90s, 30m, 24h. Default: not at all." };
        var format = AdminCommandOptions.Format("table", "json");
        var command = new Command("rotate", "Give a key a new secret, printed once.") { id, grace, format };
        common.SetAction(command, async (parse, client, output, cancellationToken) =>
        {
            long seconds = 0;
            if (parse.GetValue(grace) is { } text)
            {
                if (!Core.Configuration.DurationParser.TryParse(text, out var duration))
                {
                    throw new AdminClientException($"--grace must be a duration such as 90s, 30m or 24h, not '{text}'.");
                }

                seconds = (long)Math.Ceiling(duration.TotalSeconds);
            }

            var rotated = await client.SendAsync(HttpMethod.Post, "keys/" + AdminClient.Escape(parse.GetValue(id)!) + "/rotate", writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("grace_seconds", seconds);
                writer.WriteEndObject();
            }, cancellationToken);
            PrintWithSecret(output, parse.GetValue(format)!, rotated);
        });
        return command;
    }

    private static void PrintWithSecret(TextWriter output, string format, JsonElement key)
    {
        AdminCommandOptions.PrintRecord(output, format, key);
        if (format != "json")
        {
            output.WriteLine();
            output.WriteLine("Save the key now: it is not shown again.");
        }
    }

    private static Argument<string> IdArgument() => new("ID_OR_NAME") { Description = "The key's id or name." };

    private static Option<string?> RoleOption()
    {
        var role = new Option<string?>("--role") { Description = "user (default), team-admin (manages its team) or admin." };
        role.AcceptOnlyFromAmong("user", "team-admin", "team_admin", "admin");
        return role;
    }
}
