using System.Runtime.CompilerServices;

namespace Tollgate.Core.Limits;

/// <summary>Room for the four scopes of one request (key, user, team, model) without a heap allocation.</summary>
[InlineArray(4)]
internal struct LimitScopes
{
    private LimitScope _first;
}
