namespace Tollgate.Core.Keys;

/// <summary>Decides who a presented key belongs to. The one swappable seam for virtual keys.</summary>
public interface IRequestAuthenticator
{
    /// <summary>Returns the caller, or <see langword="null"/> when the key is missing or unknown.</summary>
    ValueTask<CallerIdentity?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken);
}
