using AccountabilityDsl.Emit;
using AccountabilityDsl.Tests.Emit;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Hardening;

/// <summary>Bugs <see cref="EmitInjectionFuzzTests"/> found, kept as fixed cases.</summary>
public sealed class EmitRegressionTests
{
    private static EmitResult Emit(string policy, string? namespaceOverride = null)
    {
        PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.From(policy, "/tmp/p.owner"));
        compilation.HasErrors.ShouldBeFalse(Baseline.Render(compilation.Diagnostics));
        return CSharpEmitter.Emit(compilation, new EmitOptions(namespaceOverride));
    }

    /// <summary>
    /// A namespace part named <c>nameof</c> or <c>var</c> is in scope everywhere in the compilation:
    /// <c>nameof(segment)</c> then meant "invoke the namespace nameof" (CS0118) and <c>var x</c>
    /// "a local of type namespace var".
    /// </summary>
    [Theory]
    [InlineData("nameof")]
    [InlineData("var")]
    [InlineData("goto.nameof.F")]
    [InlineData("_.dynamic.var.nameof")]
    public void Contextual_keyword_namespaces_compile(string ns)
    {
        EmitResult result = Emit("""
            policy P
            segment S
            stages A -> B
            owner O
            channel C
            accountable O for * at *
            offer F by O to S via C
            """, ns);

        using GeneratedAssembly generated = GeneratedAssembly.Load(result);
        generated.Call("NameOf", generated.Enum("Segment", 0)).ShouldBe("S");
    }

    /// <summary>
    /// Names over 1,024 bytes failed in .NET metadata (CS7013) and a long policy name made a hint
    /// file name no file system takes; they are now shortened with a hash, and NameOf still
    /// returns them as written.
    /// </summary>
    [Fact]
    public void Ten_thousand_character_names_compile_and_stay_distinct()
    {
        string Long(char c, string tail) => c + new string('x', 9_990) + tail;
        string policyName = Long('P', "p");
        string a = Long('S', "a");
        string b = Long('S', "b");
        string attribute = Long('r', "r");
        string member = Long('M', "m");
        string ns = string.Join('.', Enumerable.Range(0, 5).Select(i => Long('N', i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        EmitResult result = Emit($"""
            policy {policyName} namespace {ns}
            attribute {attribute}: enum {"{"} {member}, Other {"}"}
            segment {a} where {attribute} == {member}
            segment {b}
            stages A -> B
            owner O
            accountable O for * at *
            """);

        result.HintName.Length.ShouldBeLessThan(255);
        using GeneratedAssembly generated = GeneratedAssembly.Load(result);
        generated.Call("NameOf", generated.Enum("Segment", 0)).ShouldBe(a);
        generated.Call("NameOf", generated.Enum("Segment", 1)).ShouldBe(b);
        generated.Policy.FullName!.Length.ShouldBeLessThan(1024);
        System.Enum.GetNames(generated.Nested("Segment")).Distinct().Count().ShouldBe(2);
    }
}
