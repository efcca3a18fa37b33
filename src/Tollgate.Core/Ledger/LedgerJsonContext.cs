using System.Text.Json.Serialization;
using Tollgate.Ledger;

namespace Tollgate.Core.Ledger;

/// <summary>Source-generated JSON for spill files: one <see cref="LedgerRecord"/> per line.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LedgerRecord))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
