using ModelCost.Tools.ErrorCatalog;

// dotnet run --project tools/ErrorCatalog -c Release > docs/errors.md regenerates the error catalogue;
// tests/ModelCost.PS.Tests checks that the committed file equals a fresh generation.
Console.Write(ErrorCatalogDocument.Generate());
