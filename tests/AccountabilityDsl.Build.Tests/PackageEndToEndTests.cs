using System.Text.Json;
using AccountabilityDsl.Build.Tests.Infrastructure;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The AccountabilityDsl.Build package as a user gets it: packed into a feed, referenced by a
/// fresh console app, built with the real <c>dotnet build</c>. Each test is a sequence of builds
/// on one project, to keep the number of builds (10–20 s each) small. The tests of this class
/// run one after another; they share the packed feed.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class PackageEndToEndTests(PackedFeed feed)
{
    private const string SkippedLine = "Skipping target \"GenerateOwnerPolicies\" because all output files are up-to-date";

    /// <summary>Sales and Marketing both accountable for Retail at Active: OWN0102 at (9,1,9,43).</summary>
    internal const string ConflictingPolicy = """
        // Two owners claim the same customers.
        policy Conflict namespace Demo.Policies

        segment Retail
        stages Active
        owner Sales
        owner Marketing
        accountable Sales for Retail at Active
        accountable Marketing for Retail at Active
        """;

    private const string WarnedPolicy = """
        policy Warned namespace Demo.Policies

        segment Retail
        stages Active
        owner Sales
        owner Legal
        accountable Sales for Retail at Active
        """;

    private const string ExtraPolicy = """
        policy Extra

        segment Everyone
        stages Active
        owner Ops
        accountable Ops for Everyone at Active
        """;

    /// <summary>Calls the classes generated from retail-bank.owner and conflict.owner.</summary>
    internal static string Program => """
        using Contoso.Banking.Policies;
        using Demo.Policies;

        Console.WriteLine($"AccountableFor(Affluent, Active) = {RetailBankPolicy.AccountableFor(RetailBankPolicy.Segment.Affluent, RetailBankPolicy.Stage.Active)}");
        Console.WriteLine($"AccountableFor(Retail, Active) = {ConflictPolicy.AccountableFor(ConflictPolicy.Segment.Retail, ConflictPolicy.Stage.Active)}");
        """;

    [Fact]
    public void A_conflict_fails_the_build_the_fix_runs_and_rebuilds_are_incremental()
    {
        var app = new ConsumerProject(feed, "conflict", Program);
        app.Write("policies/retail-bank.owner", File.ReadAllText(Path.Combine(DotNet.RepoRoot, "samples", "retail-bank.owner")));
        app.Write("conflict.owner", ConflictingPolicy);
        app.Write("extra.owner", ExtraPolicy);

        // NoWarn never silences an error.
        ProcessResult failed = app.Build("-p:NoWarn=OWN0102");
        failed.ExitCode.ShouldNotBe(0, failed.ToString());
        failed.Output.ShouldContain($"{Path.Combine(app.Directory, "conflict.owner")}(9,1,9,43): error OWN0102: Sales and Marketing (lines 8, 9) both claim Retail at Active", Case.Sensitive, failed.ToString());
        File.Exists(app.Generated("conflict.g.cs")).ShouldBeFalse();

        app.Write("conflict.owner", ConflictingPolicy.Replace("accountable Marketing", "responsible Marketing"));
        ProcessResult built = app.Build();
        built.ExitCode.ShouldBe(0, built.ToString());
        built.Output.ShouldNotContain("OWN0");
        app.RunApp().Output.ShouldBe("AccountableFor(Affluent, Active) = AffluentSegmentManager\nAccountableFor(Retail, Active) = Sales\n");
        File.Exists(app.Generated("retail-bank.g.cs")).ShouldBeTrue();
        File.Exists(app.Generated("extra.g.cs")).ShouldBeTrue();
        DateTime retailWritten = File.GetLastWriteTimeUtc(app.Generated("retail-bank.g.cs"));

        // Nothing changed: generation is skipped, and the generated files are still compiled.
        ProcessResult noop = app.Build("-v:detailed");
        noop.ExitCode.ShouldBe(0, noop.ToString());
        noop.Output.ShouldContain(SkippedLine, Case.Sensitive, noop.ToString());
        File.GetLastWriteTimeUtc(app.Generated("retail-bank.g.cs")).ShouldBe(retailWritten);

        // One policy changes, one goes: the policies are generated again together (a policy may
        // be made of several files), the unchanged class keeps its bytes, and the gone policy's
        // generated file is deleted.
        byte[] retailBytes = File.ReadAllBytes(app.Generated("retail-bank.g.cs"));
        app.Write("conflict.owner", ConflictingPolicy.Replace("accountable Marketing", "responsible Sales").Replace("accountable Sales", "accountable Marketing"));
        app.Delete("extra.owner");
        ProcessResult changed = app.Build("-v:detailed");
        changed.ExitCode.ShouldBe(0, changed.ToString());
        changed.Output.ShouldNotContain(SkippedLine);
        File.Exists(app.Generated("extra.g.cs")).ShouldBeFalse();
        File.ReadAllBytes(app.Generated("retail-bank.g.cs")).ShouldBe(retailBytes);
        app.RunApp().Output.ShouldBe("AccountableFor(Affluent, Active) = AffluentSegmentManager\nAccountableFor(Retail, Active) = Marketing\n");
    }

    [Fact]
    public void Warning_settings_and_editorconfig_apply_to_OWN_diagnostics_as_to_CS_ones()
    {
        var app = new ConsumerProject(feed, "warnings", "Console.WriteLine(Demo.Policies.WarnedPolicy.PolicyName);\n");
        app.Write("warned.owner", WarnedPolicy);
        string at = $"{Path.Combine(app.Directory, "warned.owner")}(6,7,6,12)";

        ProcessResult warned = app.Build();
        warned.ExitCode.ShouldBe(0, warned.ToString());
        warned.Output.ShouldContain($"{at}: warning OWN0301: owner 'Legal' is declared but never used", Case.Sensitive, warned.ToString());

        // A changed warning setting alone makes the target run again (it is an input).
        ProcessResult all = app.Build("-p:TreatWarningsAsErrors=true");
        all.ExitCode.ShouldNotBe(0, all.ToString());
        all.Output.ShouldContain($"{at}: error OWN0301:", Case.Sensitive, all.ToString());

        ProcessResult listed = app.Build("-p:WarningsAsErrors=OWN0301");
        listed.ExitCode.ShouldNotBe(0, listed.ToString());
        listed.Output.ShouldContain($"{at}: error OWN0301:", Case.Sensitive, listed.ToString());

        // NoWarn wins over TreatWarningsAsErrors, as /nowarn does over /warnaserror in csc.
        ProcessResult silenced = app.Build("-p:TreatWarningsAsErrors=true", "-p:NoWarn=OWN0301");
        silenced.ExitCode.ShouldBe(0, silenced.ToString());
        silenced.Output.ShouldNotContain("OWN0301");

        app.Write(".editorconfig", "root = true\n\n[*.owner]\nowner_diagnostic.OWN0301.severity = error\n");
        ProcessResult configured = app.Build();
        configured.ExitCode.ShouldNotBe(0, configured.ToString());
        configured.Output.ShouldContain($"{at}: error OWN0301:", Case.Sensitive, configured.ToString());

        app.Write(".editorconfig", "root = true\n\n[*.owner]\nowner_diagnostic.OWN0301.severity = none\n");
        ProcessResult none = app.Build();
        none.ExitCode.ShouldBe(0, none.ToString());
        none.Output.ShouldNotContain("OWN0301");
        app.RunApp().Output.ShouldBe("Warned\n");
    }

    [Fact]
    public void Owner_files_are_OwnerPolicy_items_by_default_respecting_DefaultItemExcludes()
    {
        var app = new ConsumerProject(feed, "items", "Console.WriteLine();\n",
            "  <PropertyGroup>\n    <DefaultItemExcludes>$(DefaultItemExcludes);drafts/**</DefaultItemExcludes>\n  </PropertyGroup>");
        app.Write("a.owner", ExtraPolicy);
        app.Write("sub/b.owner", ExtraPolicy);
        app.Write("drafts/c.owner", ExtraPolicy);
        app.Write("obj/d.owner", ExtraPolicy);
        app.Write("bin/e.owner", ExtraPolicy);
        ProcessResult restored = app.Dotnet("restore");
        restored.ExitCode.ShouldBe(0, restored.ToString());

        OwnerPolicies(app).ShouldBe(["a.owner", Path.Combine("sub", "b.owner")], ignoreOrder: true);
        OwnerPolicies(app, "-p:EnableDefaultOwnerPolicyItems=false").ShouldBeEmpty();
        OwnerPolicies(app, "-p:EnableDefaultItems=false").ShouldBeEmpty();
    }

    private static string[] OwnerPolicies(ConsumerProject app, params string[] args)
    {
        ProcessResult items = app.Dotnet(["msbuild", "-getItem:OwnerPolicy", "-nr:false", .. args]);
        items.ExitCode.ShouldBe(0, items.ToString());
        using JsonDocument json = JsonDocument.Parse(items.Output);
        return json.RootElement.GetProperty("Items").GetProperty("OwnerPolicy").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!.Replace('\\', Path.DirectorySeparatorChar).Replace('/', Path.DirectorySeparatorChar))
            .ToArray();
    }
}
