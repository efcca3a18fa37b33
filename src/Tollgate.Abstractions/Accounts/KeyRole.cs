namespace Tollgate.Accounts;

/// <summary>What a virtual key may do besides calling models.</summary>
public enum KeyRole
{
    /// <summary>Calls models; no admin API.</summary>
    User,

    /// <summary>Also manages its own team's keys and users and reads its team's spend and audit entries.</summary>
    TeamAdmin,

    /// <summary>Everything the master key can do.</summary>
    Admin,
}
