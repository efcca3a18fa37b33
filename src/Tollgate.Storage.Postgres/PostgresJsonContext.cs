using System.Text.Json.Serialization;

namespace Tollgate.Storage.Postgres;

/// <summary>Source-generated JSON for the map columns.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
