namespace Tollgate.Core.Limits;

/// <summary>
/// What one call asks to reserve: the scopes it falls in (key, user, team, model; in any order, scopes with nothing
/// to enforce may be included and cost nothing), the tokens it may use and the money it may cost.
/// </summary>
/// <remarks>
/// A <see langword="ref"/> struct so the scopes can be a stack-allocated collection expression
/// (<c>new AdmissionRequest([key, user, team, model], tokens, cost)</c>): building a request never allocates.
/// </remarks>
public readonly ref struct AdmissionRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="scopes">The scopes the call falls in.</param>
    /// <param name="reservedTokens">Tokens to reserve (prompt estimate plus output limit); negative counts as zero.</param>
    /// <param name="reservedCostNanoDollars">Cost to reserve in nano-dollars; <see langword="null"/> when the model is unpriced.</param>
    public AdmissionRequest(ReadOnlySpan<LimitScope> scopes, long reservedTokens, long? reservedCostNanoDollars)
    {
        Scopes = scopes;
        ReservedTokens = Math.Max(0, reservedTokens);
        ReservedCostNanoDollars = reservedCostNanoDollars is { } cost ? Math.Max(0, cost) : null;
    }

    /// <summary>The scopes the call falls in.</summary>
    public ReadOnlySpan<LimitScope> Scopes { get; }

    /// <summary>Tokens to reserve, never negative.</summary>
    public long ReservedTokens { get; }

    /// <summary>Nano-dollars to reserve, never negative; <see langword="null"/> when the model is unpriced.</summary>
    public long? ReservedCostNanoDollars { get; }

    /// <summary>Whether no scope has anything to enforce.</summary>
    public bool IsUnlimited
    {
        get
        {
            foreach (ref readonly var scope in Scopes)
            {
                if (!scope.IsUnlimited)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
