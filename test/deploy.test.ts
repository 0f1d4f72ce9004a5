// deploy/kubernetes.yaml: every object validates against the Kubernetes OpenAPI schemas (kubernetes-models), and
// the Deployment agrees with the image (port, user, health path, read-only data) and with its Service.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { Service } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { ROOT } from './helpers/temp.ts'

const MODELS = { Deployment, Service, PodDisruptionBudget } as const
type Kind = keyof typeof MODELS

const documents = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes.yaml'), 'utf8'))
const objects = documents.map((document) => document.toJS() as { kind: Kind, [key: string]: unknown })
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')

function validate (object: { kind: string }): void {
  const Model = MODELS[object.kind as Kind]
  if (Model === undefined) throw new Error(`no model for kind ${object.kind}`)
  new Model(object as never).validate()
}

interface Probe { httpGet: { path: string, port: string | number } }
interface Container {
  image: string
  command?: string[]
  args?: string[]
  ports: Array<{ name: string, containerPort: number }>
  readinessProbe: Probe
  livenessProbe: Probe
  resources: { requests: Record<string, string>, limits: Record<string, string> }
  securityContext: { readOnlyRootFilesystem: boolean, allowPrivilegeEscalation: boolean }
  volumeMounts: Array<{ name: string, mountPath: string }>
}
interface DeploymentShape {
  spec: {
    replicas: number
    selector: { matchLabels: Record<string, string> }
    template: {
      metadata: { labels: Record<string, string> }
      spec: { securityContext: { runAsNonRoot: boolean, runAsUser: number }, containers: Container[], volumes: Array<{ name: string, emptyDir?: object }> }
    }
  }
}
interface ServiceShape { spec: { selector: Record<string, string>, ports: Array<{ targetPort: string | number }> } }

const find = <T>(kind: Kind): T => objects.find((object) => object.kind === kind) as T

describe('deploy/kubernetes.yaml', () => {
  it('parses as YAML and every object validates against its Kubernetes schema', () => {
    expect(documents.flatMap((document) => document.errors)).toEqual([])
    expect(objects.map((object) => object.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget'])
    for (const object of objects) expect(() => { validate(object) }).not.toThrow()
  })

  it('the validator rejects what Kubernetes would (so the check above can fail)', () => {
    const broken = structuredClone(find<DeploymentShape>('Deployment'))
    const container = broken.spec.template.spec.containers[0] as unknown as { ports: Array<{ containerPort: unknown }> }
    ;(container.ports[0] as { containerPort: unknown }).containerPort = 'eight thousand'
    expect(() => { validate({ kind: 'Deployment', ...broken }) }).toThrow(/containerPort must be integer/)
    const badService = { ...find<object>('Service'), kind: 'Service', spec: { ports: [{ port: 'x' }] } }
    expect(() => { validate(badService) }).toThrow()
  })

  it('runs N stateless replicas of the image: non-root, read-only root filesystem, probes on /__admin/health, resource limits', () => {
    const deployment = find<DeploymentShape>('Deployment')
    const pod = deployment.spec.template.spec
    const container = pod.containers[0] as Container
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2)
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels)
    // The image's CMD (serve --read-only on the baked database) runs unchanged.
    expect(container.command).toBeUndefined()
    expect(container.args).toBeUndefined()
    expect(dockerfile).toContain('CMD ["node", "bin/pipelines-mock.js", "serve", "--read-only"]')
    // The container port is the image's PIPELINES_MOCK_PORT; both probes hit the health route on it.
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }])
    expect(dockerfile).toMatch(/PIPELINES_MOCK_PORT=8000/)
    for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe.httpGet).toEqual({ path: '/__admin/health', port: 'http' })
    // uid 1000 is the node image's `node` user, which the Dockerfile switches to.
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 })
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory'])
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory'])
    // /tmp is the only writable place, an emptyDir.
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }])
    expect(pod.volumes.find((volume) => volume.name === 'tmp')?.emptyDir).toBeDefined()
  })

  it('the Service selects the Deployment\'s pods and targets the named container port', () => {
    const deployment = find<DeploymentShape>('Deployment')
    const service = find<ServiceShape>('Service')
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector)
    const portNames = deployment.spec.template.spec.containers.flatMap((container) => container.ports.map((port) => port.name))
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort)
  })
})
