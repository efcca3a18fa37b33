using System.Text.Json.Serialization;

namespace Tollgate.Storage.Sqlite;

/// <summary>Source-generated JSON for the list and map columns.</summary>
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
