using System.CommandLine;

namespace Tollgate.Server.Cli;

/// <summary><c>tollgate teams create|list|show|update|block|unblock</c> and the same for <c>users</c>, through the admin API.</summary>
internal static class TeamsCommand
{
    private static readonly (string, string)[] TeamColumns =
    [
        ("ID", "id"), ("NAME", "name"), ("STATUS", "status"), ("BUDGET_USD", "budget_usd"), ("PERIOD", "budget_period"),
        ("RPM", "rpm"), ("TPM", "tpm"), ("PARALLEL", "max_parallel"), ("MODELS", "models"),
    ];

    private static readonly (string, string)[] UserColumns =
    [
        ("ID", "id"), ("NAME", "name"), ("STATUS", "status"), ("TEAM", "team"), ("BUDGET_USD", "budget_usd"), ("PERIOD", "budget_period"),
        ("RPM", "rpm"), ("TPM", "tpm"), ("MODELS", "models"),
    ];

    public static Command CreateTeams(AdminCommandOptions common) => Create(common, "teams", "team", TeamColumns, withTeam: false);

    public static Command CreateUsers(AdminCommandOptions common) => Create(common, "users", "user", UserColumns, withTeam: true);

    private static Command Create(AdminCommandOptions common, string path, string noun, (string, string)[] columns, bool withTeam)
    {
        var command = new Command(path, $"Create and manage {path}.");

        // create
        {
            var name = new Option<string>("--name") { Description = $"The {noun}'s unique name.", Required = true };
            var team = new Option<string?>("--team") { Description = "The user's team (id or name)." };
            var format = AdminCommandOptions.Format("table", "json");
            var account = new AccountOptions();
            var create = new Command("create", $"Create a {noun}.") { name, format };
            if (withTeam)
            {
                create.Options.Add(team);
            }

            account.AddTo(create);
            common.SetAction(create, async (parse, client, output, cancellationToken) =>
            {
                var created = await client.SendAsync(HttpMethod.Post, path, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", parse.GetValue(name));
                    if (withTeam)
                    {
                        AdminCommandOptions.WriteString(writer, "team", parse.GetValue(team));
                    }

                    account.Write(writer, parse);
                    writer.WriteEndObject();
                }, cancellationToken);
                AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, created);
            });
            command.Subcommands.Add(create);
        }

        // list
        {
            var team = new Option<string?>("--team") { Description = "Only this team's users." };
            var format = AdminCommandOptions.Format("table", "json");
            var list = new Command("list", $"List {path}.") { format };
            if (withTeam)
            {
                list.Options.Add(team);
            }

            common.SetAction(list, async (parse, client, output, cancellationToken) =>
            {
                var query = withTeam && parse.GetValue(team) is { } t ? "?team=" + AdminClient.Escape(t) : string.Empty;
                var result = await client.GetAsync(path + query, cancellationToken);
                await output.WriteAsync(parse.GetValue(format) == "json" ? CliOutput.Json(result) + Environment.NewLine : CliOutput.Table(result, columns));
            });
            command.Subcommands.Add(list);
        }

        // show, block, unblock
        foreach (var (verb, description) in new[] { ("show", $"Show one {noun}."), ("block", $"Block a {noun}: all its keys are refused at once."), ("unblock", $"Unblock a {noun}.") })
        {
            var id = new Argument<string>("ID_OR_NAME") { Description = $"The {noun}'s id or name." };
            var format = AdminCommandOptions.Format("table", "json");
            var sub = new Command(verb, description) { id, format };
            common.SetAction(sub, async (parse, client, output, cancellationToken) =>
            {
                var target = path + "/" + AdminClient.Escape(parse.GetValue(id)!);
                var result = verb == "show"
                    ? await client.GetAsync(target, cancellationToken)
                    : await client.SendAsync(HttpMethod.Post, target + "/" + verb, null, cancellationToken);
                AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, result);
            });
            command.Subcommands.Add(sub);
        }

        // update
        {
            var id = new Argument<string>("ID_OR_NAME") { Description = $"The {noun}'s id or name." };
            var name = new Option<string?>("--name") { Description = "A new name." };
            var format = AdminCommandOptions.Format("table", "json");
            var account = new AccountOptions();
            var update = new Command("update", $"Change a {noun}'s name, models, budget, limits or metadata.") { id, name, format };
            account.AddTo(update);
            common.SetAction(update, async (parse, client, output, cancellationToken) =>
            {
                var updated = await client.SendAsync(HttpMethod.Patch, path + "/" + AdminClient.Escape(parse.GetValue(id)!), writer =>
                {
                    writer.WriteStartObject();
                    AdminCommandOptions.WriteString(writer, "name", parse.GetValue(name));
                    account.Write(writer, parse);
                    writer.WriteEndObject();
                }, cancellationToken);
                AdminCommandOptions.PrintRecord(output, parse.GetValue(format)!, updated);
            });
            command.Subcommands.Add(update);
        }

        return command;
    }
}
