using AccountabilityDsl.Emit;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>
/// Policy text reaches generated C# only as escaped identifiers, string literals and XML-escaped
/// comment lines: hostile names, documentation strings, namespaces and file names compile, and
/// none of their text turns into code.
/// </summary>
public sealed class InjectionTests
{
    /// <summary>A doc string that tries every way out of a comment: C# line breaks that are not \n, XML, quotes, backslashes.</summary>
    private const string Payload = "*/ } class X { </summary> \\\"quoted\\\" back\\\\slash \u2028} class Y {\u2029// Z\u0085#error no ü 𝄞 \u202Eevil\u202C & <b>";

    private static readonly string HostilePolicy = $$"""
        policy Hostile namespace return.global.Segment

        attribute class: enum { default, value__, Class, North }
        attribute Segment: enum { A, B }
        attribute Customer: int
        attribute to_string: int
        attribute Equals: bool
        attribute _: decimal
        attribute tenure_years: int
        attribute TenureYears: int

        segment class "{{Payload}}" where class == default
        segment return "x" where Equals
        segment Segment where not Equals and class != default
        segment assigned_one
        segment var where Customer >= -5 and _ < -0.5

        stages if -> else -> Stage

        owner void "{{Payload}}"
        owner Owner

        channel string capacity 5 per day
        channel Channel

        accountable void  for * at *

        offer operator by Owner to class, Segment at if..else via string, Channel approved by void priority 3

        limit string per customer: at most 2 per 1 week
        limit operator per customer: at most 1 per 2 months calendar
        limit contacts per customer: at most 9 per 30 days
        cooldown 3 days after event
        exempt unsafe
        """;

    private const string HostileFile = "we\"ird *\\ \u2028name *.owner";

    private static EmitResult EmitHostile()
    {
        PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.From(HostilePolicy, "/tmp/" + HostileFile));
        compilation.HasErrors.ShouldBeFalse(Baseline.Render(compilation.Diagnostics));
        return CSharpEmitter.Emit(compilation);
    }

    [Fact]
    public void Hostile_names_and_documentation_compile_without_warnings_and_match_baseline()
    {
        EmitResult result = EmitHostile();

        using GeneratedAssembly generated = GeneratedAssembly.Load(result);
        Baseline.Verify(result.Source, "Emit/HostilePolicy.g.cs.txt");
    }

    [Fact]
    public void No_policy_text_becomes_code()
    {
        EmitResult result = EmitHostile();
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(result.Source).GetCompilationUnitRoot();

        // Exactly the declarations the generator writes: no class X or Y, no #error.
        root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.ValueText).Order(StringComparer.Ordinal).ShouldBe(
            ["Channel", "Class", "Customer", "HostilePolicy", "Offer", "Owner", "Segment", "SegmentValue", "Stage"]);
        root.DescendantTrivia().Any(t => t.IsKind(SyntaxKind.ErrorDirectiveTrivia)).ShouldBeFalse();
        root.GetDiagnostics().ShouldBeEmpty();

        // The payload only ever appears escaped inside documentation comments.
        result.Source.ShouldNotContain("</summary> ");
        result.Source.ShouldContain("*/ } class X { &lt;/summary&gt; \"quoted\" back\\slash");
        result.Source.ShouldNotContain("\u2028");
        result.Source.ShouldNotContain("\u2029");
        result.Source.ShouldNotContain("\u0085");
        result.Source.ShouldNotContain("\u202E");
        result.Source.ShouldContain("ü 𝄞");
        foreach (string line in result.Source.Split('\n').Where(l => l.Contains("class X", StringComparison.Ordinal) || l.Contains("class Y", StringComparison.Ordinal)))
        {
            line.TrimStart().ShouldStartWith("///");
        }
    }

    [Fact]
    public void Keywords_are_escaped_and_collisions_renamed()
    {
        string source = EmitHostile().Source;

        source.ShouldContain("namespace @return.@global.Segment;");
        source.ShouldContain("@class = 0,");
        source.ShouldContain("@default = 0,");
        source.ShouldContain("value___ = 1,");
        source.ShouldContain("Class_ = 2,");
        source.ShouldContain("Segment_ = 2,");
        source.ShouldContain("public enum Class");
        source.ShouldContain("public enum SegmentValue");
        source.ShouldContain("public sealed record Customer(Class Class, SegmentValue Segment, int CustomerValue, int ToStringValue, bool EqualsValue, decimal Value, int TenureYears, int TenureYearsValue, Segment? AssignedSegment = null);");
        source.ShouldContain("@if = 0,");
        source.ShouldContain("@void = 0,");
        source.ShouldContain("@string = 0,");
        source.ShouldContain("@operator = 0,");
        source.ShouldContain("@var = 4,");
    }

    [Fact]
    public void Hostile_policy_behaves_as_declared()
    {
        EmitResult result = EmitHostile();
        PolicyCompilation compilation = PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.From(HostilePolicy, "/tmp/" + HostileFile));
        using GeneratedAssembly generated = GeneratedAssembly.Load(result);

        // class == default, Segment = A, Customer = -5, ToString = 0, Equals = true, _ = -1, years.
        object customer = generated.Customer(compilation.Policy, [0, 0, -5, 0, 1, -1, 0, 0]);
        var segments = ((System.Collections.IEnumerable)generated.Call("SegmentsOf", customer)!).Cast<object>().Select(s => (string)generated.Call("NameOf", s)!).ToList();
        segments.ShouldBe(["class", "return", "var"]);

        generated.Policy.GetField("SourceFile")!.GetRawConstantValue().ShouldBe(HostileFile);
        ContactPolicy contact = generated.Get<ContactPolicy>("ContactPolicy");
        contact.SourceFile.ShouldBe(HostileFile);
        contact.Limits[1].Scope.ShouldBe(Runtime.LimitScope.Offer("operator"));
        contact.Cooldowns.Single().EventName.ShouldBe("event");
        contact.ExemptCategories.ShouldBe(["unsafe"]);
        contact.Offers.Single().Channels.ShouldBe(["string", "Channel"]);
    }
}
