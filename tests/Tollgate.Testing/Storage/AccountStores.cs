using Tollgate.Accounts;

namespace Tollgate.Testing.Storage;

/// <summary>A key store and the team store over the same database (keys refer to teams and users).</summary>
public sealed record AccountStores(IKeyStore Keys, ITeamStore Teams);
