using System.CommandLine;
using Tollgate.Core.Providers;
using Tollgate.Providers;
using Tollgate.Server.Hosting;
using Tollgate.Storage.Postgres;

namespace Tollgate.Server.Cli;

/// <summary>
/// <c>tollgate db migrate [--config FILE]</c>: applies the PostgreSQL schema migrations the config's
/// <c>storage.postgres</c> database lacks and creates the ledger partitions ahead, then exits. The server does the same
/// at start; this runs it ahead of a deploy (or from a job with DDL rights while the servers run with fewer).
/// </summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c")
        {
            Description = $"The config file. Default: {ServeSettings.DefaultConfigFileName} in the working directory.",
        };
        var migrate = new Command("migrate", "Apply the PostgreSQL schema migrations (storage.postgres) and exit.") { config };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = new ServeSettings(parse.GetValue(config), ServeSettings.DefaultUrls);
            var configPath = TollgateServer.ResolveConfigPath(settings);
            if (configPath is null)
            {
                await error.WriteLineAsync($"tollgate db migrate: no config file: pass --config, or run where {ServeSettings.DefaultConfigFileName} is.");
                return 1;
            }

            Core.Configuration.TollgateConfig loaded;
            try
            {
                loaded = TollgateServer.Load(configPath, new ProviderRegistry(BuiltInProviders.CreateFactories()), settings);
            }
            catch (ConfigInvalidException ex)
            {
                foreach (var configError in ex.Errors)
                {
                    await error.WriteLineAsync(configError.Format(ex.Path));
                }

                await error.WriteLineAsync($"tollgate db migrate: {ex.Message}");
                return 1;
            }

            if (TollgateServer.PostgresOptions(loaded) is not { } options)
            {
                await error.WriteLineAsync($"tollgate db migrate: {configPath} sets no storage.postgres; SQLite databases are migrated by the server itself.");
                return 1;
            }

            await using var database = new PostgresDatabase(options);
            try
            {
                var applied = await database.InitializeAsync(cancellationToken);
                await output.WriteLineAsync(applied.Count == 0
                    ? $"{database.Description}: schema up to date (version {PostgresDatabase.SchemaVersion})"
                    : $"{database.Description}: applied migrations {string.Join(", ", applied)}; schema at version {PostgresDatabase.SchemaVersion}");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync($"tollgate db migrate: {ex.Message}");
                return 1;
            }
        });

        var command = new Command("db", "Work with the PostgreSQL database.");
        command.Subcommands.Add(migrate);
        return command;
    }
}
