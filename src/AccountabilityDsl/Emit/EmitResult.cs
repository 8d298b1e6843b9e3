using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Emit;

/// <summary>The C# for one policy.</summary>
/// <param name="Success">False when the compilation has errors: nothing is generated from a policy that does not check.</param>
/// <param name="HintName">The file name to write the source to, such as <c>RetailBankPolicy.g.cs</c>.</param>
/// <param name="Source">The generated C# (empty when <paramref name="Success"/> is false).</param>
/// <param name="Diagnostics">
/// When <paramref name="Success"/> is false: the compilation's diagnostics (the reason nothing
/// was generated). The emitter reports nothing of its own, so this is empty on success; hosts
/// report the compilation's warnings themselves.
/// </param>
public sealed record EmitResult(bool Success, string HintName, string Source, ImmutableArray<Diagnostic> Diagnostics);
