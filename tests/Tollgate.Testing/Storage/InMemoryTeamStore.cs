using Tollgate.Accounts;

namespace Tollgate.Testing.Storage;

/// <summary>An <see cref="ITeamStore"/> in memory with unique ids and names. Thread-safe.</summary>
public sealed class InMemoryTeamStore : ITeamStore
{
    private readonly Lock _lock = new();
    private readonly List<TeamRecord> _teams = [];
    private readonly List<UserRecord> _users = [];

    public Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<TeamRecord>>([.. _teams]);
        }
    }

    public Task InsertTeamAsync(TeamRecord team, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_teams.Any(t => t.Id == team.Id || t.Name == team.Name))
            {
                throw new StoreConflictException($"A team with id '{team.Id}' or name '{team.Name}' already exists.");
            }

            _teams.Add(team);
        }

        return Task.CompletedTask;
    }

    public Task<bool> UpdateTeamAsync(TeamRecord team, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var index = _teams.FindIndex(t => t.Id == team.Id);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            if (_teams.Any(t => t.Id != team.Id && t.Name == team.Name))
            {
                throw new StoreConflictException($"A team named '{team.Name}' already exists.");
            }

            _teams[index] = team;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<UserRecord>>([.. _users]);
        }
    }

    public Task InsertUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_users.Any(u => u.Id == user.Id || u.Name == user.Name))
            {
                throw new StoreConflictException($"A user with id '{user.Id}' or name '{user.Name}' already exists.");
            }

            _users.Add(user);
        }

        return Task.CompletedTask;
    }

    public Task<bool> UpdateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var index = _users.FindIndex(u => u.Id == user.Id);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            if (_users.Any(u => u.Id != user.Id && u.Name == user.Name))
            {
                throw new StoreConflictException($"A user named '{user.Name}' already exists.");
            }

            _users[index] = user;
            return Task.FromResult(true);
        }
    }
}
