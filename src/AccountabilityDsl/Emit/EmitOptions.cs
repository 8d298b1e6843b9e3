namespace AccountabilityDsl.Emit;

/// <summary>How <see cref="CSharpEmitter"/> writes a policy's C#.</summary>
/// <param name="NamespaceOverride">
/// The namespace of the generated class instead of the policy's <c>namespace</c> (or
/// <c>AccountabilityDsl.Generated</c> when the policy names none). Must be a dotted list of C#
/// identifiers; an invalid override throws <see cref="ArgumentException"/>.
/// </param>
public sealed record EmitOptions(string? NamespaceOverride = null);
