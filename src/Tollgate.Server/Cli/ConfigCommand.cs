using System.CommandLine;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Server.Cli;

/// <summary><c>tollgate config check FILE</c>: prints every error with its location; exits 1 on any.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The config file to check." };
        var check = new Command("check", "Validate a config file without starting the server.") { file };
        check.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var registry = new ProviderRegistry(BuiltInProviders.CreateFactories());
            var result = ConfigLoader.LoadFile(path, registry.SettingsByType, Environment.GetEnvironmentVariable);
            if (result.Success)
            {
                var config = result.Config!;
                parse.InvocationConfiguration.Output.WriteLine($"{path}: OK ({config.Providers.Count} providers, {config.Models.Count} models)");
                return 0;
            }

            foreach (var error in result.Errors)
            {
                parse.InvocationConfiguration.Error.WriteLine(error.Format(path));
            }

            parse.InvocationConfiguration.Error.WriteLine($"{path}: {result.Errors.Count} error(s)");
            return 1;
        });

        var command = new Command("config", "Work with config files.");
        command.Subcommands.Add(check);
        return command;
    }
}
