namespace Tollgate.Core.Configuration;

/// <summary>The <c>storage:</c> section: where keys, teams, the audit log and the ledger live.</summary>
public sealed record StorageConfig
{
    /// <summary>The default SQLite file name, in the data directory.</summary>
    public const string DefaultSqliteFileName = "tollgate.db";

    /// <summary><c>sqlite</c>: the SQLite database file; <see langword="null"/> for <c>tollgate.db</c> in the data directory.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>
    /// <c>ledger</c>: whether every request appends a priced record to the spend ledger (default). Off: no ledger
    /// records, so spend reports stay empty and budgets count only what this process has seen since it started.
    /// </summary>
    public bool Ledger { get; init; } = true;
}
