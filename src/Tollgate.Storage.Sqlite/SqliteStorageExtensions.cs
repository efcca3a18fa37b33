using Microsoft.Extensions.DependencyInjection;
using Tollgate.Accounts;
using Tollgate.Ledger;

namespace Tollgate.Storage.Sqlite;

/// <summary>Registers the SQLite stores.</summary>
public static class SqliteStorageExtensions
{
    /// <summary>
    /// Registers one <see cref="SqliteDatabase"/> for <paramref name="databasePath"/> and, as singletons over it,
    /// <see cref="IKeyStore"/>, <see cref="ITeamStore"/>, <see cref="IAuditLog"/> and <see cref="IUsageLedger"/>.
    /// The file is created and migrated on first use; call <see cref="SqliteDatabase.InitializeAsync"/> at start to fail fast.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton(_ => new SqliteDatabase(databasePath));
        services.AddSingleton<SqliteKeyStore>();
        services.AddSingleton<SqliteTeamStore>();
        services.AddSingleton<SqliteAuditLog>();
        services.AddSingleton<SqliteUsageLedger>();
        services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<SqliteKeyStore>());
        services.AddSingleton<ITeamStore>(sp => sp.GetRequiredService<SqliteTeamStore>());
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<SqliteUsageLedger>());
        return services;
    }
}
