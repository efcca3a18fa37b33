namespace Tollgate.Storage.Postgres.Tests;

/// <summary>Every test class of this assembly: they share one <see cref="PostgresFixture"/> server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
