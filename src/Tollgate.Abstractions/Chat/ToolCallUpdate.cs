namespace Tollgate.Chat;

/// <summary>A piece of a streamed tool call. The first piece of a call carries its id and name.</summary>
/// <param name="Index">The call's position among this choice's calls.</param>
/// <param name="Id">The call id, on the first piece only.</param>
/// <param name="Name">The function name, on the first piece only.</param>
/// <param name="ArgumentsDelta">The next fragment of the arguments' JSON text.</param>
public sealed record ToolCallUpdate(int Index, string? Id, string? Name, string? ArgumentsDelta)
{
    /// <summary>Opaque provider state of the call (see <see cref="ToolCall.Signature"/>), on the first piece.</summary>
    public string? Signature { get; init; }

    /// <summary>Which provider family produced <see cref="Signature"/>.</summary>
    public string? SignatureFamily { get; init; }
}
