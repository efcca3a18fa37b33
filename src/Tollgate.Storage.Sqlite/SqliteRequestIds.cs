using System.Buffers;
using Microsoft.Data.Sqlite;

namespace Tollgate.Storage.Sqlite;

/// <summary>
/// How the ledger stores request ids (schema version 3): an id Tollgate made (<c>req_</c> and a UUID's 32 lowercase hex
/// digits) as the UUID's 16 bytes, any other id as its text. The mapping is one to one, so uniqueness on the column
/// is uniqueness on the id: a stored text never has the shape that would have made it bytes.
/// </summary>
/// <remarks>
/// Only lowercase digits take the short form, because the id must read back exactly as written. Migration 3 applied the
/// same rule, as a <c>GLOB</c> pattern, to the rows stored before it; a change to the rule needs a migration of its own
/// that converts the stored ids, or replayed records would no longer match them.
/// </remarks>
internal static class SqliteRequestIds
{
    /// <summary>The bytes of a short-form id.</summary>
    internal const int Length = 16;

    private const string Prefix = "req_";
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>Writes the id's 16 bytes when it has the short form; otherwise returns <see langword="false"/> (store the text).</summary>
    internal static bool TryEncode(string requestId, Span<byte> bytes)
    {
        if (requestId.Length != Prefix.Length + (2 * Length) || !requestId.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = requestId.AsSpan(Prefix.Length);
        return !hex.ContainsAnyExcept(LowerHex) && Convert.FromHexString(hex, bytes, out _, out _) == OperationStatus.Done;
    }

    /// <summary>The column value for a parameter: the 16 bytes, or the text.</summary>
    internal static object ToColumn(string requestId)
    {
        var bytes = new byte[Length];
        return TryEncode(requestId, bytes) ? bytes : requestId;
    }

    /// <summary>Reads the id back from a column written by <see cref="TryEncode"/> or <see cref="ToColumn"/>.</summary>
    internal static string GetRequestId(this SqliteDataReader reader, int ordinal)
    {
        if (reader.GetFieldType(ordinal) != typeof(byte[]))
        {
            return reader.GetString(ordinal);
        }

        var bytes = reader.GetFieldValue<byte[]>(ordinal);
        if (bytes.Length != Length)
        {
            throw new InvalidDataException("The ledger holds a request id of a length Tollgate never writes; was it written by a newer Tollgate?");
        }

        return string.Concat(Prefix, Convert.ToHexStringLower(bytes));
    }
}
