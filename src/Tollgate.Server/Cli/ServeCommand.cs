using System.CommandLine;
using Tollgate.Server.Hosting;

namespace Tollgate.Server.Cli;

/// <summary><c>tollgate serve [--config FILE] [--urls URL]</c>.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c")
        {
            Description = $"The config file. Default: {ServeSettings.DefaultConfigFileName} in the working directory when present, else the built-in default.",
        };
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen, semicolon-separated. Default: {ServeSettings.DefaultUrls}.",
            DefaultValueFactory = _ => ServeSettings.DefaultUrls,
        };

        var command = new Command("serve", "Run the gateway.") { config, urls };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ServeSettings(parse.GetValue(config), parse.GetValue(urls)!);
            WebApplication app;
            try
            {
                app = TollgateServer.Build(settings);
            }
            catch (ConfigInvalidException ex)
            {
                var error = parse.InvocationConfiguration.Error;
                foreach (var configError in ex.Errors)
                {
                    await error.WriteLineAsync(configError.Format(ex.Path));
                }

                await error.WriteLineAsync($"tollgate: not started: {ex.Message}");
                return 1;
            }

            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
