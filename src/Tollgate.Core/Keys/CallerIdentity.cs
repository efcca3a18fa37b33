namespace Tollgate.Core.Keys;

/// <summary>Who a request comes from, as authentication established it.</summary>
/// <param name="KeyId">A stable, non-secret id of the key used (never the key itself).</param>
/// <param name="IsAdmin">Whether the key may use the admin API.</param>
public sealed record CallerIdentity(string KeyId, bool IsAdmin);
