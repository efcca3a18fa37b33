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
        return root;
    }
}
