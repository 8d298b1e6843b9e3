using AccountabilityDsl.Build.Tests.Infrastructure;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// samples/OfferDesk as its README runs it with packages (<c>dotnet pack -o artifacts/packages</c>,
/// then <c>dotnet run --project samples/OfferDesk -p:UseAccountabilityDslPackage=true</c>), in a
/// copy of the repository layout with the freshly packed packages in artifacts/packages, so that
/// the solution's own build of the sample (from source) is never disturbed.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class OfferDeskPackageTests(PackedFeed feed)
{
    [Fact]
    public void The_offer_desk_sample_runs_on_the_packed_packages()
    {
        string repo = Path.Combine(feed.Root, "repo");
        string sample = Path.Combine(repo, "samples", "OfferDesk");
        Directory.CreateDirectory(sample);
        Directory.CreateDirectory(Path.Combine(repo, "artifacts", "packages"));
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            File.Copy(Path.Combine(DotNet.RepoRoot, file), Path.Combine(repo, file));
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(DotNet.RepoRoot, "samples", "OfferDesk")))
        {
            File.Copy(file, Path.Combine(sample, Path.GetFileName(file)));
        }

        foreach (string package in Directory.EnumerateFiles(feed.Feed, "*.nupkg"))
        {
            File.Copy(package, Path.Combine(repo, "artifacts", "packages", Path.GetFileName(package)));
        }

        File.WriteAllText(Path.Combine(repo, "nuget.config"), PackedFeed.NuGetConfig(null));

        ProcessResult run = DotNet.Run(repo, feed.Environment,
            "run", "--project", "samples/OfferDesk", "-p:UseAccountabilityDslPackage=true", "-p:AccountabilityDslPackageVersion=" + feed.Version);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("17 offers proposed by 4 product managers, 3 sent, 14 held back.", Case.Sensitive, run.ToString());
        File.Exists(Path.Combine(sample, "obj", "Debug", "net10.0", "AccountabilityDsl", "offer-desk-bank.g.cs")).ShouldBeTrue();
        // The package, not the sources: restored from artifacts/packages into the sample's own folder.
        Directory.Exists(Path.Combine(sample, "obj", "packages", "accountabilitydsl.build", feed.Version)).ShouldBeTrue();
    }
}

/// <summary>One packed feed for every end-to-end test class; the classes run one after another.</summary>
[CollectionDefinition(nameof(PackedFeedCollection))]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>;
