using Microsoft.Data.Sqlite;

namespace Tollgate.Storage.Sqlite;

/// <summary>Turns SQLite constraint failures into <see cref="Accounts.StoreConflictException"/>s that name the clash.</summary>
internal static class SqliteConflicts
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintForeignKey = 787;

    /// <summary>Whether the error is a broken uniqueness or reference rule.</summary>
    internal static bool IsConstraint(SqliteException ex) => ex.SqliteErrorCode == SqliteConstraint;

    /// <summary>Whether the error is a reference to a missing row.</summary>
    internal static bool IsForeignKey(SqliteException ex) => ex.SqliteExtendedErrorCode == SqliteConstraintForeignKey;

    /// <summary>The <c>table.column</c> a UNIQUE or PRIMARY KEY failure names, from SQLite's message.</summary>
    internal static string? FailedColumn(SqliteException ex)
    {
        const string Marker = "constraint failed: ";
        var message = ex.Message;
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = message[(at + Marker.Length)..];
        var end = rest.IndexOfAny(['\'', ' ', ',']);
        return end < 0 ? rest : rest[..end];
    }
}
