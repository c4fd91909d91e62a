// Contract tests for Resource Manager v3 Projects through the official
// @google-cloud/resource-manager ProjectsClient: a project read by number and
// by id is the same project (id and number as everywhere in the emulator), an
// unknown project is PERMISSION_DENIED as on Google, and SearchProjects takes
// Google's query syntax.
import { ProjectsClient } from "@google-cloud/resource-manager";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../testing/harness";
import { projectNumber } from "./projects";

let t: TestEmulator;
let projects: ProjectsClient;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), { seed: true });
  projects = new ProjectsClient(clientOptions(t.emulator.grpcPort));
}, 60_000);
afterAll(async () => {
  await projects?.close();
  await t?.close();
});

describe("Resource Manager v3 Projects", () => {
  it("reads a project by number and by id: the same project, named by number", async () => {
    const number = projectNumber("pyplots-prod");
    expect(number).toMatch(/^\d{12}$/);
    const [byNumber] = await projects.getProject({ name: `projects/${number}` }, CALL);
    expect(byNumber).toMatchObject({
      name: `projects/${number}`,
      projectId: "pyplots-prod",
      displayName: "pyplots-prod",
      state: "ACTIVE",
    });
    const [byId] = await projects.getProject({ name: "projects/pyplots-prod" }, CALL);
    expect(byId).toEqual(byNumber);
  });

  it("answers an unknown project, by id or number, with PERMISSION_DENIED as Google does, and a malformed name with INVALID_ARGUMENT", async () => {
    for (const name of ["projects/no-such-project", `projects/${projectNumber("no-such-project")}`]) {
      const err = await code(projects.getProject({ name }, CALL));
      expect(err.code, name).toBe(7);
      expect(err.details).toBe(
        `Permission 'resourcemanager.projects.get' denied on resource '//cloudresourcemanager.googleapis.com/${name}' (or it may not exist).`,
      );
    }
    expect((await code(projects.getProject({ name: "folders/123" }, CALL))).code).toBe(3);
  });

  it("searches with Google's query syntax: any term may match, case-insensitive, prefix with *", async () => {
    const ids = async (query: string) =>
      (await projects.searchProjects({ query }, CALL))[0].map((p) => p.projectId).sort();
    expect(await ids("id:pyplots-prod")).toEqual(["pyplots-prod"]);
    expect(await ids("projectId:PYPLOTS-PROD")).toEqual(["pyplots-prod"]);
    expect(await ids("name:shortfactory*")).toEqual(["shortfactory-prod"]);
    expect(await ids("id:pyplots-prod id:shortfactory-prod")).toEqual(["pyplots-prod", "shortfactory-prod"]);
    expect(await ids("labels.env:prod")).toEqual([]);
    const all = await ids("");
    expect(all).toEqual(expect.arrayContaining(["intentvision-prod", "pyplots-prod", "shortfactory-prod"]));
    expect(await ids("state:ACTIVE")).toEqual(all);
    const [found] = await projects.searchProjects({ query: "id:pyplots-prod" }, CALL);
    expect(found[0].name).toBe(`projects/${projectNumber("pyplots-prod")}`);
    expect((await code(projects.searchProjects({ query: "colour:red" }, CALL))).code).toBe(3);
  });

  it("pages search results with tokens ending ''", async () => {
    const [page, , raw] = await projects.searchProjects({ pageSize: 2 }, { ...CALL, autoPaginate: false });
    expect(page).toHaveLength(2);
    expect(raw!.nextPageToken).not.toBe("");
    const [rest, , last] = await projects.searchProjects(
      { pageSize: 100, pageToken: raw!.nextPageToken! },
      { ...CALL, autoPaginate: false },
    );
    expect(rest.length).toBeGreaterThan(0);
    expect(last!.nextPageToken).toBe("");
  });
});
