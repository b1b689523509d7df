# syntax=docker/dockerfile:1
# Generated from the Releasy app model by Releasy.AppHost (README: Deploy). Do not edit: change the model and regenerate.
# Build from the repository root: docker build -f deploy/docker/migrations.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Releasy.MigrationService/Releasy.MigrationService.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0-alpine
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
# A one-shot task: its exit code is its verdict, there is nothing to probe while it runs.
HEALTHCHECK NONE
ENTRYPOINT ["dotnet", "Releasy.MigrationService.dll"]
