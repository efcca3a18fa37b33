namespace Tollgate.Core.Limits;

/// <summary>Whose limit or budget a counter belongs to. A request is held to every scope it falls in; the tightest wins.</summary>
public enum LimitScopeKind
{
    /// <summary>One virtual key.</summary>
    Key,

    /// <summary>One user, across all their keys.</summary>
    User,

    /// <summary>One team, across all its users and keys.</summary>
    Team,

    /// <summary>One model name (the name clients send), across all callers.</summary>
    Model,
}
