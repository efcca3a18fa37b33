namespace Tollgate.Core.Keys;

/// <summary>A freshly made virtual key secret. The secret is shown to the caller once and never stored.</summary>
/// <param name="Secret">The secret. Never log it.</param>
/// <param name="SecretHash">SHA-256 of the secret, lowercase hex.</param>
/// <param name="DisplayPrefix">The first characters of the secret.</param>
public sealed record GeneratedKey(string Secret, string SecretHash, string DisplayPrefix)
{
    /// <inheritdoc/>
    public override string ToString() => $"GeneratedKey {{ DisplayPrefix = {DisplayPrefix} }}";
}
