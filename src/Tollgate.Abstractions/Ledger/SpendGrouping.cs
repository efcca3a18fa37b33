namespace Tollgate.Ledger;

/// <summary>What a spend report groups by.</summary>
public enum SpendGrouping
{
    /// <summary>By key id.</summary>
    Key,

    /// <summary>By user id (records without a user form one group with an empty name).</summary>
    User,

    /// <summary>By team id (records without a team form one group with an empty name).</summary>
    Team,

    /// <summary>By requested model name.</summary>
    Model,

    /// <summary>By provider config name (records that never reached a provider form one group with an empty name).</summary>
    Provider,

    /// <summary>By UTC day, <c>yyyy-MM-dd</c>.</summary>
    Day,
}
