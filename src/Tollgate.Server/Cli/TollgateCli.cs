using System.CommandLine;

namespace Tollgate.Server.Cli;

/// <summary>The <c>tollgate</c> command line.</summary>
internal static class TollgateCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Tollgate: a self-hosted AI model gateway. One OpenAI- and Anthropic-compatible API in front of every provider.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        var admin = new AdminCommandOptions();
        foreach (var command in new[] { KeysCommand.Create(admin), TeamsCommand.CreateTeams(admin), TeamsCommand.CreateUsers(admin), SpendCommand.Create(admin) })
        {
            // --url and --admin-key are recursive: they apply to every subcommand of the admin commands.
            command.Options.Add(admin.Url);
            command.Options.Add(admin.AdminKey);
            root.Subcommands.Add(command);
        }
        return root;
    }
}
