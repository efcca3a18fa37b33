namespace Tollgate.Core.Keys;

/// <summary>The master key and where it came from.</summary>
/// <param name="Key">The key. Never log it.</param>
/// <param name="Source">Its source.</param>
/// <param name="FilePath">The file that holds it, for <see cref="MasterKeySource.File"/> and <see cref="MasterKeySource.Generated"/>.</param>
public sealed record MasterKeyResolution(string Key, MasterKeySource Source, string? FilePath)
{
    /// <inheritdoc/>
    public override string ToString() => $"MasterKeyResolution {{ Source = {Source}, FilePath = {FilePath} }}";
}
