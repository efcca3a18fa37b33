namespace Tollgate.Accounts;

/// <summary>Durable storage of teams and their users. Read in full at start and on refresh; never read per request.</summary>
public interface ITeamStore
{
    /// <summary>Every team.</summary>
    Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken cancellationToken);

    /// <summary>Adds a team. Throws <see cref="StoreConflictException"/> when its id or name is taken.</summary>
    Task InsertTeamAsync(TeamRecord team, CancellationToken cancellationToken);

    /// <summary>Replaces the team with the same id. Returns <see langword="false"/> when there is none.</summary>
    Task<bool> UpdateTeamAsync(TeamRecord team, CancellationToken cancellationToken);

    /// <summary>Every user.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Adds a user. Throws <see cref="StoreConflictException"/> when its id or name is taken.</summary>
    Task InsertUserAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Replaces the user with the same id. Returns <see langword="false"/> when there is none.</summary>
    Task<bool> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken);
}
