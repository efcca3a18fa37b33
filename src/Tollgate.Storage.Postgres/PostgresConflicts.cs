using Npgsql;

namespace Tollgate.Storage.Postgres;

/// <summary>Recognises PostgreSQL constraint failures, so the stores can turn them into <see cref="Accounts.StoreConflictException"/>s that name the clash.</summary>
internal static class PostgresConflicts
{
    /// <summary>Whether the error is a broken uniqueness rule (23505) or a reference to a missing row (23503).</summary>
    internal static bool IsConstraint(PostgresException ex) => ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation;

    /// <summary>Whether the error is a reference to a missing row.</summary>
    internal static bool IsForeignKey(PostgresException ex) => ex.SqlState == PostgresErrorCodes.ForeignKeyViolation;

    /// <summary>Whether an insert found no ledger partition for a row's time (another instance dropped it).</summary>
    internal static bool IsMissingPartition(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.CheckViolation && ex.MessageText.StartsWith("no partition of relation", StringComparison.Ordinal);
}
